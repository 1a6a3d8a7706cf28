// Command storage benchmarks ckptlens reading a checkpoint root from a real
// S3 server (s3proxy, as the tests start it): a root of N jobs, each a copy
// of one oracle scenario. It reports the listing's time by the number of
// folders listed at once, the time to read the kept _metadata files, and
// the whole orphans command.
//
//	go run ./bench/storage [-jobs 100] [-scenario 2.3/incremental]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/retain"
	"github.com/ckptlens/ckptlens/parse/storage"
	"github.com/ckptlens/ckptlens/parse/storage/storagetest"
)

func main() {
	jobs := flag.Int("jobs", 100, "job folders under the root")
	scenario := flag.String("scenario", "2.3/incremental", "the oracle scenario each job copies")
	flag.Parse()
	if err := run(*jobs, *scenario); err != nil {
		fmt.Fprintln(os.Stderr, "bench/storage:", err)
		os.Exit(1)
	}
}

func run(jobs int, scenario string) error {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		return err
	}
	if err := storagetest.Install("s3"); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ckptlens-bench-storage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := storagetest.StartS3(dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	for k, v := range srv.Env {
		os.Setenv(k, v)
	}
	fmt.Printf("s3proxy answered after %s\n", srv.Started.Round(time.Millisecond))
	root := srv.Root + "bench/"
	objects, err := upload(repo, scenario, root, jobs)
	if err != nil {
		return err
	}
	fmt.Printf("root %s: %d jobs, %d objects\n", root, jobs, objects)
	if err := timeListing(root); err != nil {
		return err
	}
	return timeCommand(repo, root)
}

// upload puts jobs copies of the scenario's tree under root/job-NNN/; the
// data objects are one byte each (listing and reading _metadata do not
// depend on their size), the _metadata real. The files go up in the order
// of their storagetest.ModTime, a second apart, as in the tests, so the
// plan (with --margin 1ns) has checkpoints to delete.
func upload(repo, scenario, root string, jobs int) (int, error) {
	release, name, _ := strings.Cut(scenario, "/")
	start, objects := time.Now(), 0
	type part struct {
		root  string
		files []storagetest.File
	}
	byTime := map[time.Time][]part{}
	for j := range jobs {
		jobRoot := fmt.Sprintf("%sjob-%03d/", root, j)
		files, err := storagetest.Tree(filepath.Join(repo, "testdata", "flink", "generated"), release, name, strings.TrimSuffix(jobRoot, "/"))
		if err != nil {
			return 0, err
		}
		groups := map[time.Time][]storagetest.File{}
		for _, f := range files {
			if !storagetest.IsMetadata(f.Rel) {
				f.Data = []byte{0} // s3proxy rejects the SDK's signature of an empty body
			}
			t := storagetest.ModTime(f.Rel, start)
			groups[t] = append(groups[t], f)
		}
		for t, g := range groups {
			byTime[t] = append(byTime[t], part{jobRoot, g})
		}
		objects += len(files)
	}
	times := slices.SortedFunc(maps.Keys(byTime), time.Time.Compare)
	for i, t := range times {
		if i > 0 {
			time.Sleep(1100 * time.Millisecond)
		}
		for _, p := range byTime[t] {
			if err := storagetest.UploadNow(context.Background(), p.root, p.files); err != nil {
				return 0, err
			}
		}
	}
	fmt.Printf("uploaded in %s\n", time.Since(start).Round(time.Millisecond))
	return objects, nil
}

// timeListing lists the root with 1, 4, 16 and 64 folders at once, then
// reads the _metadata a cleanup keeps.
func timeListing(root string) error {
	ctx := context.Background()
	loc, err := storage.Parse(root)
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Println("\n| folders listed at once | listing time | objects |\n|---:|---:|---:|")
	var found retain.Found
	for _, workers := range []int{1, 4, 16, 64} {
		storage.ListWorkers = workers
		start := time.Now()
		var finder retain.Finder
		sp, n, err := storage.SpoolTree(ctx, st, loc, "", nil, finder.Add)
		if err != nil {
			return err
		}
		sp.Close()
		fmt.Printf("| %d | %s | %d |\n", workers, time.Since(start).Round(time.Millisecond), n)
		found = finder.Found()
	}
	storage.ListWorkers = 16
	kept := found.Kept(1)
	start := time.Now()
	var bytesRead int64
	for _, p := range kept {
		k, _ := loc.KeyOf(p)
		s, err := storage.DecodeObject(ctx, st, loc, k)
		if err != nil {
			return err
		}
		bytesRead += s.Size
	}
	fmt.Printf("\nread %d kept _metadata (%d bytes) one at a time in %s\n", len(kept), bytesRead, time.Since(start).Round(time.Millisecond))
	return nil
}

// timeCommand runs the whole orphans command on the root.
func timeCommand(repo, root string) error {
	bin := filepath.Join(os.TempDir(), "ckptlens-bench-storage")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ckptlens")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	defer os.Remove(bin)
	for _, latest := range []string{"1", "3"} {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "orphans", "--keep-latest", latest, "--margin", "1ns", "--paths", root)
		cmd.Stderr = &stderr
		start := time.Now()
		out, err := cmd.Output()
		status := 0
		if err != nil {
			status = cmd.ProcessState.ExitCode()
		}
		fmt.Printf("orphans --keep-latest %s: %s, exit status %d, %d paths\n", latest, time.Since(start).Round(time.Millisecond),
			status, strings.Count(string(out), "\n"))
	}
	return nil
}
