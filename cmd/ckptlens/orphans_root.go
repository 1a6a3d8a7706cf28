package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/retain"
	"github.com/ckptlens/ckptlens/parse/slatedb"
	"github.com/ckptlens/ckptlens/parse/storage"
)

// rootFlags are orphans' flags for a ROOT read from storage: --keep may be
// given several times, so they are taken out before parseArgs.
type rootFlags struct {
	keepLatest    int
	keepLatestSet bool
	keep          []string
}

// takeRootFlags removes --keep SNAPSHOT and --keep-latest N from args.
func takeRootFlags(args []string) (rest []string, f rootFlags, err error) {
	f.keepLatest = 1
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || (name != "keep" && name != "keep-latest") {
			rest = append(rest, args[i])
			if args[i] == "--" {
				return append(rest, args[i+1:]...), f, nil
			}
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, f, fmt.Errorf("flag %s needs a value", args[i])
			}
			i++
			val = args[i]
		}
		if name == "keep" {
			f.keep = append(f.keep, val)
			continue
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			return nil, f, fmt.Errorf("--keep-latest %s: give a number of checkpoints, 1 or more", val)
		}
		f.keepLatest, f.keepLatestSet = n, true
	}
	return rest, f, nil
}

// decodeWorkers bounds the snapshots read from storage at once.
const decodeWorkers = 8

// rootInputs lists root and decodes what a cleanup keeps: the newest
// completed checkpoints of each job, every savepoint, the live manifests of
// each SlateDB database, and the snapshots given with --keep. Progress and
// what is kept go to stderr.
func rootInputs(ctx context.Context, root string, f rootFlags, stderr io.Writer) (*listing.Listing, []parse.Input, int, error) {
	loc, err := storage.Parse(root)
	if err != nil {
		return nil, nil, 0, err
	}
	st, err := storage.Open(ctx, loc)
	if err != nil {
		return nil, nil, 0, err
	}
	defer st.Close()
	l, err := listRoot(ctx, st, loc, stderr)
	if err != nil {
		return nil, nil, 0, err
	}
	found := retain.Find(l.Entries)
	kept := found.Kept(f.keepLatest)
	describeKept(stderr, found, f.keepLatest)
	start := time.Now()
	inputs, failed := decodeKept(ctx, st, kept)
	fmt.Fprintf(stderr, "ckptlens orphans: read %d kept snapshots in %.1f s\n", len(kept), time.Since(start).Seconds())
	more, failedDB := databaseInputs(ctx, st, found.Databases, stderr)
	inputs, failed = append(inputs, more...), failed+failedDB
	for _, in := range inputs {
		if in.Snapshot.Error != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %s: %s\n", in.Snapshot.Source, in.Snapshot.Error.Message)
		}
	}
	given, failedGiven := decodeAll(snapshotArgs{inputs: f.keep, bases: make([]string, len(f.keep))}, "orphans", stderr)
	inputs, failed = append(inputs, given...), failed+failedGiven
	if len(inputs) == 0 {
		return l, nil, 0, fmt.Errorf("%s holds no chk-N/_metadata, savepoint or SlateDB manifest: give the checkpoint root (state.checkpoints.dir) or a database's root, or name what to keep with --keep", root)
	}
	return l, inputs, failed, nil
}

// listRoot lists the root, telling its progress.
func listRoot(ctx context.Context, st storage.Store, loc storage.Location, stderr io.Writer) (*listing.Listing, error) {
	start := time.Now()
	fmt.Fprintf(stderr, "ckptlens orphans: listing %s\n", loc)
	l, err := storage.ListTree(ctx, st, loc, func(n int64) {
		fmt.Fprintf(stderr, "ckptlens orphans: listed %d objects (%.0f s)\n", n, time.Since(start).Seconds())
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "ckptlens orphans: listed %d objects in %.1f s\n", len(l.Entries), time.Since(start).Seconds())
	return l, nil
}

// describeKept says, per job, which completed checkpoints are kept.
func describeKept(w io.Writer, found retain.Found, latest int) {
	for _, j := range found.Jobs {
		var ids []string
		for _, s := range j.Completed[:min(latest, len(j.Completed))] {
			ids = append(ids, "chk-"+strconv.FormatInt(s.ID, 10))
		}
		fmt.Fprintf(w, "ckptlens orphans: job %s: %d completed checkpoints, keeping %s\n", j.Folder, len(j.Completed), strings.Join(ids, ", "))
	}
	for _, s := range found.Savepoints {
		fmt.Fprintf(w, "ckptlens orphans: keeping savepoint %s\n", s.Folder)
	}
}

// decodeKept decodes the snapshots at paths, decodeWorkers at a time,
// keeping their order.
func decodeKept(ctx context.Context, st storage.Store, paths []string) ([]parse.Input, int) {
	inputs := make([]parse.Input, len(paths))
	failed := make([]bool, len(paths))
	sem := make(chan struct{}, decodeWorkers)
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s, err := decodeListed(ctx, st, p)
			inputs[i], failed[i] = parse.Input{Snapshot: s}, err != nil
		}()
	}
	wg.Wait()
	n := 0
	for _, f := range failed {
		if f {
			n++
		}
	}
	return inputs, n
}

// decodeListed decodes a file the listing of st named by its full path.
func decodeListed(ctx context.Context, st storage.Store, p string) (*model.Snapshot, error) {
	loc, err := storage.Parse(p)
	if err != nil {
		return failedSnapshot(p, err)
	}
	return storage.DecodeObject(ctx, st, loc, loc.Key)
}

// databaseInputs are what each database's garbage collector keeps alive:
// its newest manifest, those its unexpired checkpoints pin, and its newest
// compactions file; every database's newest manifest first, as orphans
// --listing orders the database folders given to it.
func databaseInputs(ctx context.Context, st storage.Store, dbs []retain.Database, stderr io.Writer) ([]parse.Input, int) {
	newest := make([]string, len(dbs))
	for i, db := range dbs {
		newest[i] = db.Live(nil)[0] // manifests come first, and there is one
	}
	inputs, failed := decodeKept(ctx, st, newest)
	for i, db := range dbs {
		s := inputs[i].Snapshot
		live := db.Live(func(string) []uint64 { return slatedb.CheckpointManifests(s, time.Now()) })
		fmt.Fprintf(stderr, "ckptlens orphans: database %s: keeping %d of %d manifests and compactions files\n",
			db.Root, len(live), len(db.Manifests)+len(db.Compactions))
		more, n := decodeKept(ctx, st, slices.DeleteFunc(live, func(m string) bool { return m == newest[i] }))
		inputs, failed = append(inputs, more...), failed+n
	}
	return inputs, failed
}
