package storage

import (
	"context"
	"sync"
)

// listDirFunc lists one folder, not recursively: it hands emit the objects
// in it (files, and the folder entries where the storage has them) a page
// at a time, never holding the folder's, and returns the keys of its
// sub-folders to list next.
type listDirFunc func(ctx context.Context, dir string, emit func(Object)) (subdirs []string, err error)

// ListWorkers bounds the folders listed at once. Object stores page a
// folder's listing sequentially, so a root of many job folders is listed a
// folder per request in parallel (see bench/RESULTS.md).
var ListWorkers = 16

// walk lists root and every folder under it with ListWorkers workers
// taking folders from one queue; the first error stops it.
func walk(ctx context.Context, root string, list listDirFunc, fn func(Object)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &walker{queue: []string{root}, pending: 1}
	w.cond = sync.NewCond(&w.mu)
	var wg sync.WaitGroup
	for range max(1, ListWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for dir, ok := w.next(); ok; dir, ok = w.next() {
				subdirs, err := list(ctx, dir, fn)
				w.done(subdirs, err, cancel)
			}
		}()
	}
	wg.Wait()
	return w.err
}

// walker is the queue of folders still to list. pending counts folders
// queued or being listed; the walk ends when it reaches zero.
type walker struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []string
	pending int
	err     error
}

func (w *walker) next() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.queue) == 0 && w.pending > 0 && w.err == nil {
		w.cond.Wait()
	}
	if w.err != nil || len(w.queue) == 0 {
		return "", false
	}
	dir := w.queue[len(w.queue)-1]
	w.queue = w.queue[:len(w.queue)-1]
	return dir, true
}

func (w *walker) done(subdirs []string, err error, cancel context.CancelFunc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && w.err == nil {
		w.err = err
		cancel()
	}
	w.queue = append(w.queue, subdirs...)
	w.pending += len(subdirs) - 1
	w.cond.Broadcast()
}
