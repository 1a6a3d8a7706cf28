package storage

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// SpoolTree lists everything under l into a temporary
// file in dir ("" for the system's) as the objects arrive, in no
// particular order: the planner reads the listing from the file, and
// memory does not grow with the root's size. each, when set, also sees
// every entry, one call at a time. The caller closes the spool, which
// removes its file; on an error none is left.
func SpoolTree(ctx context.Context, st Store, l Location, dir string, progress func(listed int64), each func(listing.Entry)) (*listing.Spooled, int64, error) {
	w, err := listing.NewSpoolWriter(TreeFormat(l), dir)
	if err != nil {
		return nil, 0, err
	}
	n, err := walkTree(ctx, st, l, progress, func(e listing.Entry) {
		w.Add(e)
		if each != nil {
			each(e)
		}
	})
	if err != nil {
		w.Abort()
		return nil, n, err
	}
	sp, err := w.End()
	return sp, n, err
}

// TreeFormat is the format of a listing of l made by SpoolTree.
func TreeFormat(l Location) listing.Format {
	if l.Scheme == "" {
		return listing.FormatFindTimes
	}
	return listing.FormatStorage
}

// walkTree lists l with the store's concurrency, handing fn each entry one
// call at a time, and returns how many there were.
func walkTree(ctx context.Context, st Store, l Location, progress func(listed int64), fn func(listing.Entry)) (int64, error) {
	var mu sync.Mutex
	var n atomic.Int64
	err := st.List(ctx, l.Key, func(o Object) {
		e := listing.Entry{Path: o.Path, Bytes: o.Size, Dir: o.Dir, Modified: o.Modified}
		mu.Lock()
		fn(e)
		mu.Unlock()
		if c := n.Add(1); progress != nil && c%progressEvery == 0 {
			progress(c)
		}
	})
	return n.Load(), err
}

// progressEvery is how many listed objects make one progress report.
const progressEvery = 10000
