package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// localStore is the local file system. It lists folders as find does
// (folders are entries too), so a local root gives the same listing as
// find DIR -printf '%T@ %s %p\n'.
type localStore struct{}

func (localStore) List(ctx context.Context, key string, fn func(Object)) error {
	return filepath.WalkDir(filepath.FromSlash(key), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fn(objectOf(filepath.ToSlash(p), info))
		return nil
	})
}

func objectOf(path string, info fs.FileInfo) Object {
	if info.IsDir() {
		return Object{Path: path, Modified: info.ModTime().UTC(), Dir: true}
	}
	return Object{Path: path, Size: info.Size(), Modified: info.ModTime().UTC()}
}

func (localStore) Stat(_ context.Context, key string) (Object, error) {
	info, err := os.Stat(filepath.FromSlash(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, notFound(key)
	}
	if err != nil {
		return Object{}, err
	}
	return objectOf(key, info), nil
}

func (localStore) Open(_ context.Context, key string) (Reader, error) {
	f, err := os.Open(filepath.FromSlash(key))
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return localFile{f, info.Size()}, nil
}

func (localStore) Close() error { return nil }

type localFile struct {
	*os.File
	size int64
}

func (f localFile) Size() int64 { return f.size }
