package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/storage"
)

// sourcesOf are the sources one argument stands for, given by local path or
// storage URL (s3://, gs://, Azure, hdfs://, file:): the file, a folder's
// _metadata, or a SlateDB database folder's files (parse.FileSources,
// storage.Sources). abs names local files by their absolute path, which
// places them among a listing's absolute paths wherever the command ran. An
// argument that cannot be read is a source whose Open says why, reported
// as a file that fails to decode. done closes what was opened.
func sourcesOf(ctx context.Context, p, base string, abs bool) (srcs []parse.Source, done func()) {
	done = func() {}
	var err error
	if !storage.IsURL(p) {
		if l, perr := storage.Parse(p); perr == nil && strings.HasPrefix(p, "file:") {
			p = l.Key
		}
		if a, aerr := filepath.Abs(p); aerr == nil && abs {
			p = a
		}
		srcs, err = parse.FileSources(p)
	} else {
		srcs, done, err = storageSources(ctx, p)
	}
	if err != nil {
		srcs = []parse.Source{{Name: p, Open: func() (io.ReaderAt, error) { return nil, err }}}
	}
	for i := range srcs {
		srcs[i].Base = base
	}
	return srcs, done
}

// storageSources opens the storage a URL names and lists what it stands for.
func storageSources(ctx context.Context, p string) ([]parse.Source, func(), error) {
	l, err := storage.Parse(p)
	if err != nil {
		return nil, func() {}, err
	}
	st, err := storage.Open(ctx, l)
	if err != nil {
		return nil, func() {}, err
	}
	srcs, err := storage.Sources(ctx, st, l)
	return srcs, func() { st.Close() }, err
}

// loadArgs reads the snapshots given through the engine's front door
// (parse.Load) with the options given; abs names local files by their
// absolute path.
func loadArgs(sa snapshotArgs, cmd string, opts parse.Options, abs bool, stderr io.Writer) (_ *parse.Report, failed int) {
	var srcs []parse.Source
	var given []string
	for i, p := range sa.inputs {
		s, done := sourcesOf(context.Background(), p, sa.bases[i], abs)
		defer done()
		srcs = append(srcs, s...)
		for range s {
			given = append(given, p)
		}
	}
	lo := parse.LoadOptions{Options: opts, Limits: sa.limits()}
	if slices.ContainsFunc(sa.inputs, storage.IsURL) {
		lo.Workers = decodeWorkers // the storage's latency, not the CPU, bounds the reads
	}
	return loadSources(cmd, srcs, given, lo, stderr)
}

// loadSources reads srcs through parse.Load; given[i] is what the user gave
// for source i (an argument, or a database found under a ROOT), which the
// messages name. Each source that could not be decoded completely is
// reported on stderr and counted; the partial snapshots are kept.
func loadSources(cmd string, srcs []parse.Source, given []string, lo parse.LoadOptions, stderr io.Writer) (_ *parse.Report, failed int) {
	lo.Done = func(res parse.SourceResult) {
		i := res.Index
		if res.Err != nil {
			fmt.Fprintf(stderr, "ckptlens %s: %s: %v\n", cmd, given[i], res.Err)
			failed++
		}
		if srcs[i].InFolder && i > 0 && given[i-1] == given[i] {
			tellAlsoRead(stderr, cmd, given[i], srcs[i].Name)
		}
		// A snapshot of millions of handles leaves the decoder's records
		// of them behind as garbage as large as the neutral files;
		// collecting it now keeps it from adding to the analysis's peak.
		if len(res.Snapshot.Operators)+len(res.Snapshot.Files) > 100_000 {
			runtime.GC()
		}
	}
	return parse.Load(srcs, lo), failed
}

// tellAlsoRead says that a file of a SlateDB database folder beyond its
// newest manifest (the folder's first source) was read as live.
func tellAlsoRead(w io.Writer, cmd, arg, name string) {
	why := "which its checkpoints pin"
	if strings.HasSuffix(name, ".compactions") {
		why = "the compactor's current state"
	}
	fmt.Fprintf(w, "ckptlens %s: %s: also %s, %s\n", cmd, arg, filepath.Base(name), why)
}
