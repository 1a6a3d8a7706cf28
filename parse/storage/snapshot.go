package storage

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// ReadSnapshot decodes the snapshot at key: a _metadata object or SlateDB
// manifest, a chk-N or savepoint folder holding a _metadata, or a SlateDB
// database folder (or its manifest/ folder), which stands for its newest
// manifest. Like parse.DecodeFile it always returns a snapshot, partial on
// error, whose Source is the object read.
func ReadSnapshot(ctx context.Context, st Store, l Location) (*model.Snapshot, error) {
	key, err := snapshotKey(ctx, st, l)
	if err != nil {
		return failed(l.String(), err)
	}
	return DecodeObject(ctx, st, l, key)
}

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

// snapshotKey is the object a location given as a snapshot stands for.
func snapshotKey(ctx context.Context, st Store, l Location) (string, error) {
	o, err := st.Stat(ctx, l.Key)
	if err != nil {
		return "", err
	}
	if !o.Dir {
		return l.Key, nil
	}
	dir := strings.TrimSuffix(l.Key, "/")
	meta := dir + "/_metadata"
	if _, err := st.Stat(ctx, meta); err == nil {
		return meta, nil
	} else if !IsNotFound(err) {
		return "", err
	}
	manifests, err := manifestKeys(ctx, st, l, dir)
	if err != nil {
		return "", err
	}
	if newest := slatedb.LiveManifests(manifests, nil); len(newest) > 0 {
		return newest[0], nil
	}
	return "", fmt.Errorf("%s is a folder without a _metadata file or SlateDB manifests; give a checkpoint or savepoint folder (chk-N, savepoint-…), a SlateDB database folder, or the file itself", l.String())
}

// manifestKeys are the keys of the manifests in a database folder's
// manifest/ folder, or in the folder itself when it is that folder.
func manifestKeys(ctx context.Context, st Store, l Location, dir string) ([]string, error) {
	folder := dir + "/manifest"
	if path.Base(dir) == "manifest" {
		folder = dir
	}
	var mu sync.Mutex
	var keys []string
	err := st.List(ctx, folder, func(o Object) {
		if key, ok := l.KeyOf(o.Path); ok && !o.Dir && key[:max(strings.LastIndexByte(key, '/'), 0)] == folder {
			mu.Lock()
			keys = append(keys, key)
			mu.Unlock()
		}
	})
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	return keys, nil
}

func failed(name string, err error) (*model.Snapshot, error) {
	return &model.Snapshot{Source: name, SnapshotKind: model.KindUnknown,
		Operators: []model.Operator{}, Files: []model.File{}, Error: model.Info(err)}, err
}
