package storagetest

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"gocloud.dev/blob"

	"github.com/ckptlens/ckptlens/parse/storage"
)

// uploadWorkers bounds the concurrent uploads.
const uploadWorkers = 8

// Upload puts a tree under the URL root (ending in "/"), in the order of
// the files' ModTime. Object stores do not let a client set times, so the
// files of each ModTime go up together, a second or more after the
// earlier ones: the storage's own times then keep ModTime's order (plan
// with --margin 0s). HDFS gets the times themselves.
func Upload(ctx context.Context, root string, files []File, base time.Time) error {
	loc, err := storage.Parse(root)
	if err != nil {
		return err
	}
	if loc.Scheme == "hdfs" {
		return uploadHDFS(loc, files, base)
	}
	b, err := openBucket(ctx, loc)
	if err != nil {
		return err
	}
	defer b.Close()
	groups := map[time.Time][]File{}
	var times []time.Time
	for _, f := range files {
		t := ModTime(f.Rel, base)
		if groups[t] == nil {
			times = append(times, t)
		}
		groups[t] = append(groups[t], f)
	}
	slices.SortFunc(times, time.Time.Compare)
	for i, t := range times {
		if i > 0 {
			time.Sleep(1100 * time.Millisecond) // S3's times have whole seconds
		}
		if err := putAll(ctx, b, loc.Key, groups[t]); err != nil {
			return err
		}
	}
	return nil
}

// UploadNow puts a tree under the URL root of an object store at once,
// with the storage's own times (for benchmarks).
func UploadNow(ctx context.Context, root string, files []File) error {
	loc, err := storage.Parse(root)
	if err != nil {
		return err
	}
	b, err := openBucket(ctx, loc)
	if err != nil {
		return err
	}
	defer b.Close()
	return putAll(ctx, b, loc.Key, files)
}

// openBucket opens loc's bucket for writing, as ckptlens opens it to read.
func openBucket(ctx context.Context, loc storage.Location) (*blob.Bucket, error) {
	u, err := storage.BucketURL(loc)
	if err != nil {
		return nil, err
	}
	return blob.OpenBucket(ctx, u)
}

func putAll(ctx context.Context, b *blob.Bucket, prefix string, files []File) error {
	sem := make(chan struct{}, uploadWorkers)
	errs := make(chan error, len(files))
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := b.WriteAll(ctx, path.Join(prefix, f.Rel), f.Data, nil); err != nil {
				errs <- fmt.Errorf("uploading %s: %w", f.Rel, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func uploadHDFS(loc storage.Location, files []File, base time.Time) error {
	c, err := hdfsClientAt(loc.Bucket)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, f := range files {
		p := "/" + path.Join(loc.Key, f.Rel)
		if err := c.MkdirAll(path.Dir(p), 0o755); err != nil {
			return err
		}
		w, err := c.Create(p)
		if err != nil {
			return fmt.Errorf("creating %s: %w", p, err)
		}
		if _, err := w.Write(f.Data); err != nil {
			return err
		}
		if err := closeReplicated(w); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		t := ModTime(f.Rel, base)
		if err := c.Chtimes(p, t, t); err != nil {
			return err
		}
	}
	return nil
}

// closeReplicated closes an HDFS file, waiting while the datanode still
// replicates its last block (colinmarc/hdfs asks callers to retry).
func closeReplicated(w *hdfs.FileWriter) error {
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		err := w.Close()
		if !errors.Is(err, hdfs.ErrReplicating) || wait > 5*time.Second {
			return err
		}
		time.Sleep(wait)
	}
}
