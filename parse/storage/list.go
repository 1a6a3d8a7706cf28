package storage

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// ListTree lists everything under l as a listing the planner reads, sorted
// by path. A local folder gives what find DIR -printf '%T@ %s %p\n' would
// (folders included); other storage gives its objects with their URLs.
// progress, when set, hears the running count from time to time.
func ListTree(ctx context.Context, st Store, l Location, progress func(listed int64)) (*listing.Listing, error) {
	var mu sync.Mutex
	var n atomic.Int64
	var entries []listing.Entry
	err := st.List(ctx, l.Key, func(o Object) {
		e := listing.Entry{Path: o.Path, Bytes: o.Size, Dir: o.Dir, Modified: o.Modified}
		mu.Lock()
		entries = append(entries, e)
		mu.Unlock()
		if c := n.Add(1); progress != nil && c%progressEvery == 0 {
			progress(c)
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(a, b int) bool { return entries[a].Path < entries[b].Path })
	format := listing.FormatStorage
	if l.Scheme == "" {
		format = listing.FormatFindTimes
	}
	return &listing.Listing{Format: format, Entries: entries}, nil
}

// progressEvery is how many listed objects make one progress report.
const progressEvery = 10000
