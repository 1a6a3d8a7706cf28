package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/retain"
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

// rootReport lists the root given and plans what a cleanup keeps: the
// newest completed checkpoints of each job, every savepoint, the live
// manifests of each SlateDB database, and the snapshots given with --keep.
// Progress and what is kept go to stderr.
func rootReport(ctx context.Context, sa snapshotArgs, f rootFlags, opts parse.Options, stderr io.Writer) (*parse.Report, int, error) {
	root := sa.inputs[0]
	loc, err := storage.Parse(root)
	if err != nil {
		return nil, 0, err
	}
	st, err := storage.Open(ctx, loc)
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	var finder retain.Finder
	spool, err := listRoot(ctx, st, loc, finder.Add, stderr)
	if err != nil {
		return nil, 0, err
	}
	defer spool.Close()
	found := finder.Found()
	describeKept(stderr, found, f.keepLatest)
	srcs, given := keptSources(ctx, st, finder.Size, found, f.keepLatest)
	for _, p := range f.keep {
		more, done := sourcesOf(ctx, p, "", true)
		defer done()
		srcs = append(srcs, more...)
		given = append(given, slices.Repeat([]string{p}, len(more))...)
	}
	if len(srcs) == 0 {
		return nil, 0, fmt.Errorf("%s holds no chk-N/_metadata, savepoint or SlateDB manifest: give the checkpoint root (state.checkpoints.dir) or a database's root, or name what to keep with --keep", root)
	}
	opts.Listing = spool
	start := time.Now()
	r, failed := loadSources("orphans", srcs, given, parse.LoadOptions{Options: opts, Limits: sa.limits(), Workers: decodeWorkers}, stderr)
	fmt.Fprintf(stderr, "ckptlens orphans: read %d kept snapshots in %.1f s\n", len(r.Snapshots), time.Since(start).Seconds())
	return r, failed, nil
}

// keptSources are the snapshots the listing shows a cleanup keeps, read
// from st when parse.Load asks: the checkpoints and savepoints kept, then
// every file of each SlateDB database, of which Load reads the live ones;
// given names each for messages; size is each one's listed size.
func keptSources(ctx context.Context, st storage.Store, size func(string) int64, found retain.Found, latest int) (srcs []parse.Source, given []string) {
	object := func(p string) parse.Source {
		loc, err := storage.Parse(p)
		if err != nil {
			return parse.Source{Name: p, Open: func() (io.ReaderAt, error) { return nil, err }}
		}
		return storage.ObjectSource(ctx, st, loc, loc.Key, size(p))
	}
	for _, p := range found.Kept(latest) {
		srcs, given = append(srcs, object(p)), append(given, p)
	}
	for _, db := range found.Databases {
		var files []parse.Source
		for _, p := range append(slices.Clip(db.Manifests), db.Compactions...) {
			files = append(files, object(p))
		}
		srcs = append(srcs, parse.DatabaseSources(files)...)
		given = append(given, slices.Repeat([]string{db.Root}, len(files))...)
	}
	return srcs, given
}

// listRoot lists the root into a temporary spool the planner reads, as
// the objects arrive, handing each to each; it tells its progress.
func listRoot(ctx context.Context, st storage.Store, loc storage.Location, each func(listing.Entry), stderr io.Writer) (*listing.Spooled, error) {
	start := time.Now()
	fmt.Fprintf(stderr, "ckptlens orphans: listing %s\n", loc)
	spool, n, err := storage.SpoolTree(ctx, st, loc, "", func(n int64) {
		fmt.Fprintf(stderr, "ckptlens orphans: listed %d objects (%.0f s)\n", n, time.Since(start).Seconds())
	}, each)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "ckptlens orphans: listed %d objects in %.1f s\n", n, time.Since(start).Seconds())
	return spool, nil
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
