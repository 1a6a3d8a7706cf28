package storage

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// DecodeObject decodes the object at key, a file (a _metadata or manifest).
func DecodeObject(ctx context.Context, st Store, l Location, key string) (*model.Snapshot, error) {
	name := l.Join(key)
	r, err := st.Open(ctx, key)
	if err != nil {
		return failed(name, err)
	}
	defer r.Close()
	ra, err := readerFor(r)
	if err != nil {
		return failed(name, err)
	}
	return parse.Decode(name, ra, r.Size())
}

// manifestFolder is the manifest/ folder of a database folder, or the
// folder itself when it is that folder.
func manifestFolder(dir string) string {
	if path.Base(dir) == "manifest" {
		return dir
	}
	return dir + "/manifest"
}

// folderObjects are the objects directly in folder, with their keys as
// Path; a folder that does not exist holds none.
func folderObjects(ctx context.Context, st Store, l Location, folder string) ([]Object, error) {
	var mu sync.Mutex
	var objs []Object
	err := st.List(ctx, folder, func(o Object) {
		if key, ok := l.KeyOf(o.Path); ok && !o.Dir && key[:max(strings.LastIndexByte(key, '/'), 0)] == folder {
			o.Path = key
			mu.Lock()
			objs = append(objs, o)
			mu.Unlock()
		}
	})
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	return objs, nil
}

// Sources are the sources a location given as a snapshot stands for, as
// parse.FileSources are for a local path: the object; the _metadata of a
// chk-N or savepoint folder; or the manifests and compactions files of a
// SlateDB database folder, of which parse.Load reads the live ones. st
// stays open while they are read.
func Sources(ctx context.Context, st Store, l Location) ([]parse.Source, error) {
	o, err := st.Stat(ctx, l.Key)
	if err != nil {
		return nil, err
	}
	if !o.Dir {
		return []parse.Source{ObjectSource(ctx, st, l, l.Key, o.Size)}, nil
	}
	dir := strings.TrimSuffix(l.Key, "/")
	if m, err := st.Stat(ctx, dir+"/_metadata"); err == nil {
		return []parse.Source{ObjectSource(ctx, st, l, dir+"/_metadata", m.Size)}, nil
	} else if !IsNotFound(err) {
		return nil, err
	}
	manifests, err := folderObjects(ctx, st, l, manifestFolder(dir))
	if err != nil || len(manifests) == 0 {
		return nil, cmp.Or(err, fmt.Errorf("%s is a folder without a _metadata file or SlateDB manifests; give a checkpoint or savepoint folder (chk-N, savepoint-…), a SlateDB database folder, or the file itself", l.String()))
	}
	state, err := folderObjects(ctx, st, l, path.Dir(manifestFolder(dir))+"/compactions")
	if err != nil {
		return nil, err
	}
	var srcs []parse.Source
	for _, o := range append(manifests, state...) {
		srcs = append(srcs, ObjectSource(ctx, st, l, o.Path, o.Size))
	}
	return parse.DatabaseSources(srcs), nil
}

// ObjectSource reads the object at key, of the size given, when parse.Load
// asks for it.
func ObjectSource(ctx context.Context, st Store, l Location, key string, size int64) parse.Source {
	return parse.Source{Name: l.Join(key), Size: size, Open: func() (io.ReaderAt, error) {
		r, err := st.Open(ctx, key)
		if err != nil {
			return nil, err
		}
		ra, err := readerFor(r)
		if _, whole := ra.(*model.Memory); whole || err != nil {
			r.Close()
			return ra, err
		}
		return struct {
			io.ReaderAt
			io.Closer
		}{ra, r}, nil
	}}
}

func failed(name string, err error) (*model.Snapshot, error) {
	return &model.Snapshot{Source: name, SnapshotKind: model.KindUnknown,
		Operators: []model.Operator{}, Files: []model.File{}, Error: model.Info(err)}, err
}
