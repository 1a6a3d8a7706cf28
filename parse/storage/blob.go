package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
	"gocloud.dev/gcerrors"
)

// bucketStore is an S3 or GCS bucket or an Azure container, through
// gocloud.dev/blob.
type bucketStore struct {
	b   *blob.Bucket
	loc Location
}

func openBucket(ctx context.Context, l Location) (Store, error) {
	u, err := BucketURL(l)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.root, err)
	}
	return &bucketStore{b: b, loc: l}, nil
}

// BucketURL is gocloud's URL of l's bucket. Endpoints come from the
// environment as each cloud's own tools read them: AWS_ENDPOINT_URL_S3 or
// AWS_ENDPOINT_URL (an S3-compatible server, addressed path-style),
// STORAGE_EMULATOR_HOST (read by gocloud), AZURE_STORAGE_DOMAIN with
// AZURE_STORAGE_PROTOCOL and AZURE_STORAGE_IS_LOCAL_EMULATOR.
func BucketURL(l Location) (string, error) {
	q := url.Values{}
	scheme := l.Scheme
	switch l.Scheme {
	case "s3", "s3a", "s3n":
		scheme = "s3"
		endpoint := os.Getenv("AWS_ENDPOINT_URL_S3")
		if endpoint == "" {
			endpoint = os.Getenv("AWS_ENDPOINT_URL")
		}
		if endpoint != "" {
			q.Set("endpoint", endpoint)
			q.Set("use_path_style", "true")
			// S3-compatible servers often lack the SDK's newer checksums:
			// it would log a line for every read, and sign some writes
			// (the tests' uploads) in a way they reject.
			q.Set("response_checksum_validation", "when_required")
			q.Set("request_checksum_calculation", "when_required")
		}
	case "abfs", "abfss", "wasb", "wasbs":
		scheme = "azblob"
		q.Set("storage_account", l.Account)
		if os.Getenv("AZURE_STORAGE_DOMAIN") == "" {
			q.Set("domain", l.Domain)
		}
	}
	u := url.URL{Scheme: scheme, Host: l.Bucket, RawQuery: q.Encode()}
	return u.String(), nil
}

// listDir lists one folder with the "/" delimiter, every page of it. Empty
// objects wait for the folder's end: which of them stand for sub-folders
// (markFolders) is known once every sub-folder is listed.
func (s *bucketStore) listDir(ctx context.Context, dir string, emit func(Object)) ([]string, error) {
	var empty []Object
	var subdirs []string
	it := s.b.List(&blob.ListOptions{Prefix: dir, Delimiter: "/"})
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			for _, e := range markFolders(empty, subdirs, s.loc) {
				emit(e)
			}
			return subdirs, nil
		}
		if err != nil {
			return subdirs, fmt.Errorf("listing %s: %w", s.loc.Join(dir), err)
		}
		switch obj := (Object{Path: s.loc.Join(o.Key), Size: o.Size, Modified: o.ModTime}); {
		case o.IsDir:
			subdirs = append(subdirs, o.Key)
		case o.Size == 0:
			empty = append(empty, obj)
		default:
			emit(obj)
		}
	}
}

// markFolders marks the empty objects that stand for folders: a console's
// folder marker (a key ending in "/") and, on ADLS Gen2, the blob of a
// directory, named as a sub-folder listed beside it. Listed as files they
// would be paths that are both a file and a folder.
func markFolders(objects []Object, subdirs []string, loc Location) []Object {
	folders := make(map[string]bool, len(subdirs))
	for _, d := range subdirs {
		folders[loc.Join(strings.TrimSuffix(d, "/"))] = true
	}
	for i, o := range objects {
		if o.Size == 0 && (strings.HasSuffix(o.Path, "/") || folders[o.Path]) {
			objects[i].Dir = true
		}
	}
	return objects
}

func (s *bucketStore) List(ctx context.Context, key string, fn func(Object)) error {
	if key != "" && !strings.HasSuffix(key, "/") {
		key += "/"
	}
	return walk(ctx, key, s.listDir, fn)
}

func (s *bucketStore) Stat(ctx context.Context, key string) (Object, error) {
	if strings.HasSuffix(key, "/") {
		// A folder, even where the store keeps an empty marker object
		// under its name (s3proxy's file system, the S3 console).
		return s.statFolder(ctx, key)
	}
	a, err := s.b.Attributes(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return s.statFolder(ctx, key)
	}
	if err != nil {
		return Object{}, fmt.Errorf("%s: %w", s.loc.Join(key), err)
	}
	return Object{Path: s.loc.Join(key), Size: a.Size, Modified: a.ModTime}, nil
}

// statFolder finds a "folder": a prefix that some object starts with.
func (s *bucketStore) statFolder(ctx context.Context, key string) (Object, error) {
	prefix := strings.TrimSuffix(key, "/") + "/"
	objs, _, err := s.b.ListPage(ctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	if err != nil {
		return Object{}, fmt.Errorf("%s: %w", s.loc.Join(key), err)
	}
	if len(objs) == 0 {
		return Object{}, notFound(s.loc.Join(key))
	}
	return Object{Path: s.loc.Join(strings.TrimSuffix(key, "/")), Dir: true}, nil
}

func (s *bucketStore) Open(ctx context.Context, key string) (Reader, error) {
	a, err := s.b.Attributes(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, notFound(s.loc.Join(key))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.loc.Join(key), err)
	}
	return &rangeReader{ctx: ctx, b: s.b, key: key, size: a.Size, name: s.loc.Join(key)}, nil
}

func (s *bucketStore) Close() error { return s.b.Close() }

// rangeReader reads an object with one ranged GET per ReadAt.
type rangeReader struct {
	ctx  context.Context
	b    *blob.Bucket
	key  string
	name string
	size int64
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	length := min(int64(len(p)), r.size-off)
	rd, err := r.b.NewRangeReader(r.ctx, r.key, off, length, nil)
	if err != nil {
		return 0, fmt.Errorf("%s: reading %d bytes at %d: %w", r.name, length, off, err)
	}
	defer rd.Close()
	n, err := io.ReadFull(rd, p[:length])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return n, fmt.Errorf("%s: reading %d bytes at %d: %w", r.name, length, off, err)
	}
	if int64(n) < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

func (r *rangeReader) Size() int64  { return r.size }
func (r *rangeReader) Close() error { return nil }
