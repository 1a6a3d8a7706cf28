package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
	"github.com/ckptlens/ckptlens/parse/units"
)

// printCompactions shows a SlateDB compactions file: the compactor's state,
// each compaction with its status, sources and the SSTs it wrote.
func printCompactions(w io.Writer, s *model.Snapshot, listFiles bool) {
	c := s.Compactions
	fmt.Fprintf(w, "  SlateDB compactions file %d (the compactor's state), format version %d\n", c.ID, s.FormatVersion)
	fmt.Fprintf(w, "  %s (%s of %s bytes decoded); compactor epoch %d\n", size(s.Size), units.Count(s.BytesRead), units.Count(s.Size), c.CompactorEpoch)
	active := 0
	for _, x := range c.Compactions {
		if x.Active {
			active++
		}
	}
	fmt.Fprintf(w, "\n  compactions: %d, %d not yet finished (SlateDB's GC keeps what those wrote)\n", len(c.Compactions), active)
	if len(c.Compactions) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  id\tstarted\tstatus\tkind\tsources\tdestination\toutputs")
		for _, x := range c.Compactions {
			dest := "-"
			if x.Destination != nil {
				dest = fmt.Sprintf("SR %d", *x.Destination)
			}
			kind := x.Kind
			if x.Segment != "" {
				kind += " (segment " + x.Segment + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d\n", x.ID, time.UnixMilli(x.Created).UTC().Format(time.RFC3339),
				x.Status, kind, sources(x), dest, len(x.Outputs))
		}
		tw.Flush()
	}
	for _, x := range c.Compactions {
		if len(x.Outputs) > 0 && (listFiles || x.Active) {
			fmt.Fprintf(w, "  outputs of %s (%s): %s\n", x.ID, x.Status, strings.Join(x.Outputs, ", "))
		}
	}
	printError(w, s)
}

func sources(x model.SlateDBCompaction) string {
	var parts []string
	if n := len(x.SourceViews); n > 0 {
		parts = append(parts, fmt.Sprintf("%d L0 views", n))
	}
	for _, r := range x.SourceSortedRuns {
		parts = append(parts, fmt.Sprintf("SR %d", r))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// printProjections lists the SSTs a manifest reads only in part: a clone
// projected to a key range.
func printProjections(w io.Writer, d *model.SlateDBDetails) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	n := 0
	for _, s := range d.SSTs {
		if len(s.VisibleRanges) == 0 {
			continue
		}
		if n == 0 {
			fmt.Fprintln(tw, "\n  SSTs read in part (key ranges of a projected clone)\t\t")
			fmt.Fprintln(tw, "  sst\tlevel\tvisible range")
		}
		n++
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Path, s.Level, strings.Join(s.VisibleRanges, " and "))
	}
	tw.Flush()
}

// addDatabase adds, for a SlateDB database folder, the report on all the
// manifests it holds.
func addDatabase(report *parse.SnapshotReport, path string) error {
	if st, err := os.Stat(path); err != nil || !st.IsDir() || report.SlateDB == nil {
		return nil
	}
	db, err := inspectDatabase(path, time.Now())
	report.SlateDBDatabase = db
	return err
}

// inspectDatabase reads every manifest a SlateDB database folder holds and
// reports what a user asks of the database as a whole: what each checkpoint
// keeps alive, which parents a clone reads, and each manifest's and
// checkpoint's history. now decides checkpoint expiry. Manifests that
// cannot be decoded completely are left out and named in the error.
func inspectDatabase(dir string, now time.Time) (*slatedb.DatabaseReport, error) {
	srcs, err := parse.FileSources(dir)
	if err != nil {
		return nil, err
	}
	var ms []*slatedb.Manifest
	var errs []error
	for _, src := range srcs {
		id, ok := slatedb.ParseManifestName(src.Name)
		if !ok || !src.InFolder {
			continue
		}
		r, err := src.Open()
		if err == nil {
			var m *slatedb.Manifest
			m, err = slatedb.Decode(r, src.Size)
			r.(io.Closer).Close()
			if err == nil {
				m.ID = id
				ms = append(ms, m)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", src.Name, err))
		}
	}
	if len(ms) == 0 {
		return nil, errors.Join(append(errs, fmt.Errorf("%s holds no SlateDB manifest", dir))...)
	}
	return slatedb.NewDatabase(dir, ms...).Report(now), errors.Join(errs...)
}

// printDatabase shows what each checkpoint keeps alive and the history of
// the checkpoints and manifests the database folder holds.
func printDatabase(w io.Writer, r *slatedb.DatabaseReport) {
	fmt.Fprintf(w, "\n  database: %d manifests in the folder\n", r.Manifests)
	if len(r.Pins) > 0 {
		fmt.Fprintln(w, "\n  what each checkpoint keeps alive")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  checkpoint\tmanifest\tstate\tSSTs\tsize (at least)\tonly it keeps\tWAL replayed")
		for _, p := range r.Pins {
			state := "live"
			switch {
			case p.Expired:
				state = "expired (GC drops it)"
			case !p.ManifestGiven:
				state = "live; its manifest is not in the folder"
			}
			wal := "-"
			if p.WAL.LastSeen > p.WAL.After {
				wal = fmt.Sprintf("%d–%d", p.WAL.After+1, p.WAL.LastSeen)
			}
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%d\t%s\t%d SSTs, %s\t%s\n", checkpointName(p.Checkpoint), p.Checkpoint.ManifestID, state,
				len(p.SSTs), size(p.MinBytes), len(p.Exclusive), size(p.ExclusiveMinBytes), wal)
		}
		tw.Flush()
	}
	if len(r.Checkpoints) > 0 {
		fmt.Fprintln(w, "\n  checkpoint history over the manifests in the folder")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  checkpoint\tpins manifest\tcreated\tlisted in manifests\tnow")
		for _, c := range r.Checkpoints {
			now := "gone (deleted or expired)"
			if c.Live {
				now = "in the newest manifest"
			}
			if c.Refreshed {
				now += ", expiry refreshed"
			}
			name := slatedb.Checkpoint{ID: c.ID, Name: c.Name}
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%d–%d\t%s\n", checkpointName(name), c.ManifestID, units.UnixTime(int64(c.CreateTime)), c.FirstSeen, c.LastSeen, now)
		}
		tw.Flush()
	}
	for _, p := range r.Parents {
		fmt.Fprintf(w, "\n  reads %d SSTs (%s at least) of parent %s", len(p.Referenced), size(p.MinBytes), p.Path)
		if p.Detachable {
			fmt.Fprint(w, "; nothing read any more: GC will detach it")
		}
		fmt.Fprintln(w)
	}
	if len(r.Timeline) > 0 {
		fmt.Fprintln(w, "\n  manifest history")
		for _, e := range r.Timeline {
			gap := ""
			if e.Gap {
				gap = " (after manifests no longer in the folder)"
			}
			fmt.Fprintf(w, "  %d%s: %s\n", e.ManifestID, gap, strings.Join(e.Events, "; "))
		}
	}
}

func checkpointName(c slatedb.Checkpoint) string {
	if c.Name != nil && *c.Name != "" {
		return fmt.Sprintf("%q %s", *c.Name, c.ID)
	}
	return c.ID.String()
}
