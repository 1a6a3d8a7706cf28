package main

import (
	"context"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/storage"
)

// decodeSnapshot decodes a snapshot given by local path or storage URL
// (s3://, gs://, Azure, hdfs://, file:), as a file or as its folder.
func decodeSnapshot(ctx context.Context, p string, limits parse.Limits) (*model.Snapshot, error) {
	if !storage.IsURL(p) {
		if strings.HasPrefix(p, "file:") {
			l, err := storage.Parse(p)
			if err != nil {
				return parse.DecodeFileWithin(p, limits)
			}
			p = l.Key
		}
		return parse.DecodeFileWithin(p, limits)
	}
	l, err := storage.Parse(p)
	if err != nil {
		return failedSnapshot(p, err)
	}
	st, err := storage.Open(ctx, l)
	if err != nil {
		return failedSnapshot(p, err)
	}
	defer st.Close()
	return storage.ReadSnapshot(ctx, st, l)
}

func failedSnapshot(p string, err error) (*model.Snapshot, error) {
	return &model.Snapshot{Source: p, SnapshotKind: model.KindUnknown,
		Operators: []model.Operator{}, Files: []model.File{}, Error: model.Info(err)}, err
}
