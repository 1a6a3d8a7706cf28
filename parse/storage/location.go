// Package storage reads checkpoint storage itself: S3, GCS, Azure Blob and
// ADLS, HDFS and local folders, behind one small interface. It lists a
// prefix recursively with sizes and modification times, and opens an object
// as an io.ReaderAt with ranged reads, so the decoders skip what they do not
// need. The page never imports it: it pulls in every cloud's SDK.
package storage

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Location is a parsed storage URL or local path.
type Location struct {
	Scheme string // s3, gs, azblob, abfs, abfss, wasb, wasbs, hdfs; "" for local
	// Bucket is the S3 or GCS bucket, the Azure container, or the HDFS
	// authority (namenode or nameservice).
	Bucket string
	// Account is the Azure storage account (from abfs/wasbs hosts).
	Account string
	// Domain is the Azure blob endpoint's domain, e.g. blob.core.windows.net.
	Domain string
	Key    string // object key or path inside the bucket, no leading slash; local: absolute path
	// root is what Join puts before a key: "s3://bucket/", the Azure URL
	// with its user part, "hdfs://nn:8020/" or "/" for local paths.
	root string
}

// IsURL reports whether s names remote storage rather than a local path
// (file: URLs are local).
func IsURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "s3", "s3a", "s3n", "gs", "azblob", "abfs", "abfss", "wasb", "wasbs", "hdfs":
		return true
	}
	return false
}

// Parse reads a storage URL or a local path (plain, file:/x or file:///x).
func Parse(s string) (Location, error) {
	if strings.HasPrefix(s, "file:") {
		return parseFileURL(s)
	}
	if !strings.Contains(s, "://") {
		abs, err := filepath.Abs(s)
		if err != nil {
			return Location{}, err
		}
		return Location{Key: filepath.ToSlash(abs), root: ""}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return Location{}, err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("%s: a storage URL takes no query or fragment (configure endpoints and credentials in the environment)", s)
	}
	l := Location{Scheme: strings.ToLower(u.Scheme), Bucket: u.Host, Key: strings.TrimPrefix(u.Path, "/")}
	switch l.Scheme {
	case "s3", "s3a", "s3n", "gs", "azblob":
		l.root = l.Scheme + "://" + l.Bucket + "/"
	case "hdfs":
		l.root = "hdfs://" + l.Bucket + "/"
	case "abfs", "abfss", "wasb", "wasbs":
		return parseAzure(s, u, l)
	default:
		return Location{}, fmt.Errorf("%s: unknown storage scheme %q (known: s3, gs, azblob, abfs, abfss, wasbs, hdfs, file)", s, u.Scheme)
	}
	if l.Bucket == "" {
		return Location{}, fmt.Errorf("%s: no bucket (or namenode) after %s://", s, l.Scheme)
	}
	return l, nil
}

func parseFileURL(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Location{}, err
	}
	if u.Host != "" && u.Host != "localhost" {
		return Location{}, fmt.Errorf("%s: a file URL on another host (%s) cannot be read here", s, u.Host)
	}
	if u.Path == "" {
		return Location{}, fmt.Errorf("%s: no path in the file URL", s)
	}
	return Location{Key: u.Path}, nil
}

// parseAzure maps abfs[s]://container@account.dfs.core.windows.net/path
// and wasb[s]://container@account.blob.core.windows.net/path onto the blob
// endpoint of that account: ADLS Gen2 serves the same objects there.
func parseAzure(s string, u *url.URL, l Location) (Location, error) {
	if u.User == nil || u.User.Username() == "" {
		return Location{}, fmt.Errorf("%s: expected %s://CONTAINER@ACCOUNT.%s/PATH", s, l.Scheme, azureHostHint(l.Scheme))
	}
	host := u.Hostname()
	account, domain, ok := strings.Cut(host, ".")
	if !ok || account == "" {
		return Location{}, fmt.Errorf("%s: %q is not ACCOUNT.%s", s, host, azureHostHint(l.Scheme))
	}
	l.Bucket = u.User.Username()
	l.Account = account
	l.Domain = strings.Replace(domain, "dfs.", "blob.", 1)
	if u.Port() != "" {
		l.Domain += ":" + u.Port()
	}
	l.root = l.Scheme + "://" + l.Bucket + "@" + u.Host + "/"
	return l, nil
}

func azureHostHint(scheme string) string {
	if strings.HasPrefix(scheme, "abfs") {
		return "dfs.core.windows.net"
	}
	return "blob.core.windows.net"
}

// Join is the URL (or local path) of key in l's bucket, spelled as l was.
func (l Location) Join(key string) string {
	if l.Scheme == "" {
		return "/" + strings.TrimPrefix(key, "/")
	}
	return l.root + strings.TrimPrefix(key, "/")
}

// String is the location in the form it was given.
func (l Location) String() string { return l.Join(l.Key) }

// KeyOf is the key of a path Join made (a listed object's Path).
func (l Location) KeyOf(p string) (string, bool) {
	if l.Scheme == "" {
		return p, strings.HasPrefix(p, "/")
	}
	return strings.CutPrefix(p, l.root)
}
