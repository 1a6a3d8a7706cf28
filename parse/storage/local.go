package storage

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// localStore is the local file system. It lists folders as find does
// (folders are entries too, each before what it holds, in the order the
// system reads them), so a local root gives the same listing as find DIR
// -printf '%T@ %s %p\n'.
type localStore struct{}

func (localStore) List(ctx context.Context, key string, fn func(Object)) error {
	root := filepath.FromSlash(key)
	info, err := os.Lstat(root)
	if err != nil {
		return err
	}
	fn(objectOf(filepath.ToSlash(root), info))
	if !info.IsDir() {
		return nil
	}
	return listLocalDir(ctx, root, fn)
}

// listLocalDir lists dir and what it holds, reading its entries a batch at
// a time: filepath.WalkDir would hold (and sort) every entry of a folder,
// and a shared/ folder can hold millions.
func listLocalDir(ctx context.Context, dir string, fn func(Object)) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		batch, rerr := f.ReadDir(1024)
		for _, d := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			p := filepath.Join(dir, d.Name())
			info, err := d.Info()
			if err != nil {
				return err
			}
			fn(objectOf(filepath.ToSlash(p), info))
			if d.IsDir() {
				if err := listLocalDir(ctx, p, fn); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
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
