package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/colinmarc/hdfs/v2"

	"github.com/ckptlens/ckptlens/internal/fixtures"
)

// Bucket is the bucket (container, HDFS folder) each server's tests use.
const Bucket = "ckptlens"

// startWithin bounds a server's start.
const startWithin = 90 * time.Second

// StartS3 runs s3proxy on its file-system backend under dir.
func StartS3(dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// The backend's folders are its buckets.
	if err := os.MkdirAll(filepath.Join(dir, "data", Bucket), 0o755); err != nil {
		return nil, err
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	props := strings.Join([]string{
		"s3proxy.endpoint=" + endpoint, "s3proxy.authorization=aws-v2-or-v4",
		"s3proxy.identity=ckptlens", "s3proxy.credential=ckptlens-secret",
		"jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + filepath.Join(dir, "data"),
		"jclouds.identity=ckptlens", "jclouds.credential=ckptlens-secret", ""}, "\n")
	conf := filepath.Join(dir, "s3proxy.conf")
	if err := os.WriteFile(conf, []byte(props), 0o644); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "s3proxy.log")
	s, err := launch("s3proxy", logPath, "java", "-jar", filepath.Join(Cache(), "s3proxy-2.6.0.jar"), "--properties", conf)
	if err != nil {
		return nil, err
	}
	s.Env = map[string]string{"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": "ckptlens",
		"AWS_SECRET_ACCESS_KEY": "ckptlens-secret", "AWS_REGION": "us-east-1"}
	s.Root = "s3://" + Bucket + "/"
	return s, s.waitHTTP(endpoint+"/", logPath, startWithin)
}

// StartGCS runs fake-gcs-server in memory.
func StartGCS(dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	host := fmt.Sprintf("127.0.0.1:%d", port)
	logPath := filepath.Join(dir, "fake-gcs-server.log")
	s, err := launch("fake-gcs-server", logPath, filepath.Join(Cache(), "fake-gcs-server"),
		"-scheme", "http", "-host", "127.0.0.1", "-port", strconv.Itoa(port), "-backend", "memory", "-public-host", host)
	if err != nil {
		return nil, err
	}
	s.Env = map[string]string{"STORAGE_EMULATOR_HOST": host}
	s.Root = "gs://" + Bucket + "/"
	if err := s.waitHTTP("http://"+host+"/storage/v1/b", logPath, startWithin); err != nil {
		return nil, err
	}
	resp, err := http.Post("http://"+host+"/storage/v1/b?project=ckptlens", "application/json",
		bytes.NewReader([]byte(`{"name":"`+Bucket+`"}`)))
	if err != nil {
		return s, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("fake-gcs-server: creating the bucket: %s", resp.Status)
	}
	return s, nil
}

// azuriteKey is Azurite's well-known development account key (public, in
// Azurite's documentation).
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// StartAzurite runs Azurite's blob service; Root is the ADLS (abfss) URL
// of its container, which ckptlens maps onto the blob endpoint.
func StartAzurite(dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	root, err := fixtures.RepoRoot()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "azurite.log")
	s, err := launch("azurite", logPath, "node", filepath.Join(root, "testdata", "storage", "azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js"),
		"--blobHost", "127.0.0.1", "--blobPort", strconv.Itoa(port), "--location", dir, "--skipApiVersionCheck", "--disableProductStyleUrl")
	if err != nil {
		return nil, err
	}
	domain := fmt.Sprintf("127.0.0.1:%d", port)
	s.Env = map[string]string{"AZURE_STORAGE_ACCOUNT": "devstoreaccount1", "AZURE_STORAGE_KEY": azuriteKey,
		"AZURE_STORAGE_DOMAIN": domain, "AZURE_STORAGE_PROTOCOL": "http", "AZURE_STORAGE_IS_LOCAL_EMULATOR": "true"}
	s.Root = "abfss://" + Bucket + "@devstoreaccount1.dfs.core.windows.net/"
	service := "http://" + domain + "/devstoreaccount1"
	if err := s.waitHTTP(service+"?comp=list", logPath, startWithin); err != nil {
		return nil, err
	}
	cred, err := azblob.NewSharedKeyCredential("devstoreaccount1", azuriteKey)
	if err != nil {
		return s, err
	}
	client, err := azblob.NewClientWithSharedKeyCredential(service, cred, nil)
	if err != nil {
		return s, err
	}
	_, err = client.CreateContainer(context.Background(), Bucket, nil)
	return s, err
}

// StartHDFS runs Hadoop's MiniDFSCluster (a namenode and a datanode).
func StartHDFS(dir string) (*Server, error) {
	root, err := fixtures.RepoRoot()
	if err != nil {
		return nil, err
	}
	mini := filepath.Join(root, "testdata", "storage", "minidfs")
	cp, err := os.ReadFile(filepath.Join(mini, "target", "classpath.txt"))
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "minidfs.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	cmd := exec.Command("java", "-Xmx512m", "-cp", filepath.Join(mini, "target", "classes")+":"+strings.TrimSpace(string(cp)),
		"ckptlens.MiniDfs", filepath.Join(dir, "dfs"))
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Name: "MiniDFSCluster", cmd: cmd, stdin: stdin}
	ctx, cancel := context.WithTimeout(context.Background(), startWithin)
	defer cancel()
	url, err := waitLine(ctx, out, "READY ")
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("MiniDFSCluster did not start: %v; its log:\n%s", err, tail(logPath))
	}
	s.Started = time.Since(start)
	s.Env = map[string]string{"HADOOP_USER_NAME": "ckptlens", "HADOOP_CONF_DIR": dir}
	s.Root = url + "/" + Bucket + "/"
	return s, nil
}

// hdfsClientAt connects to a namenode for writing.
func hdfsClientAt(addr string) (*hdfs.Client, error) {
	return hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{addr}, User: "ckptlens"})
}
