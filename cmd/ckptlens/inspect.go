package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/units"
)

func init() {
	register("inspect", "show what snapshots hold: operators, sizes, every referenced file", inspect)
}

const inspectUsage = `usage: ckptlens inspect [--json] [--files] [--max-model SIZE] [--base LOC] PATH...

PATH is a Flink _metadata file, a checkpoint or savepoint folder holding one,
a SlateDB manifest or compactions file, or a SlateDB database folder (what
its garbage collector keeps alive, as the page reads it: its newest manifest,
then what its checkpoints keep and their history, the manifests they pin and
its newest compactions file). --base LOC is where the PATH after it really lives (for
example s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab when you copied
its _metadata): it places relative files. --files lists every referenced file
(by default the text shows a count and size per kind of file). --json prints
one JSON object per snapshot read, one per line, always with every file.
--max-model SIZE is the most memory one snapshot's model may take, 2GB by
default as in the page (for example 8GB, or none).
The exit status is 1 when any input could not be decoded completely; the
partial result is still printed.
`

func inspect(args []string, stdout, stderr io.Writer) int {
	asJSON, listFiles, help := false, false, false
	sa, err := parseArgs(args, nil, map[string]*bool{"json": &asJSON, "files": &listFiles, "h": &help, "help": &help})
	if help {
		fmt.Fprint(stdout, inspectUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "ckptlens inspect: %v\n%s", err, inspectUsage)
		return 2
	}
	paths := sa.inputs
	if len(paths) == 0 {
		fmt.Fprint(stderr, inspectUsage)
		return 2
	}
	status, printed := 0, 0
	for i, p := range paths {
		one := snapshotArgs{inputs: []string{p}, bases: []string{sa.bases[i]}, maxModel: sa.maxModel}
		r, failed := loadArgs(one, "inspect", parse.Options{}, false, stderr)
		if failed > 0 {
			status = 1
		}
		if derr := addDatabase(r.Snapshots[0], p); derr != nil {
			fmt.Fprintf(stderr, "ckptlens inspect: %s: %v\n", p, derr)
			status = 1
		}
		for _, report := range r.Snapshots {
			if !printReport(stdout, report, asJSON, listFiles, printed) {
				fmt.Fprintf(stderr, "ckptlens inspect: could not write the JSON\n")
				return 1
			}
			printed++
		}
	}
	return status
}

// printReport prints one snapshot's report, as text after the printed
// ones or as one JSON line; false when the JSON could not be written.
func printReport(w io.Writer, report *parse.SnapshotReport, asJSON, listFiles bool, printed int) bool {
	if asJSON {
		return parse.WriteSnapshotJSON(w, report) == nil
	}
	if printed > 0 {
		fmt.Fprintln(w)
	}
	printSnapshot(w, report.Snapshot, listFiles)
	if report.Format != "" {
		printAnalysis(w, report)
	}
	if report.SlateDBDatabase != nil {
		printDatabase(w, report.SlateDBDatabase)
	}
	return true
}

// size formats a recorded size, in the page's units; -1 and other
// negatives mean unknown.
func size(n int64) string { return units.Bytes(n) }

func printSnapshot(w io.Writer, s *model.Snapshot, listFiles bool) {
	fmt.Fprintln(w, s.Source)
	if s.Format == "" {
		if s.Error != nil {
			fmt.Fprintf(w, "  error: %s\n", s.Error.Message)
		}
		return
	}
	if s.SlateDB != nil {
		printManifest(w, s, listFiles)
		return
	}
	if s.Compactions != nil {
		printCompactions(w, s, listFiles)
		return
	}
	kind := s.SnapshotKind
	if kind == model.KindUnknown || kind == "" {
		kind = "snapshot (" + flink.KindNotRecorded(s.FormatVersion) + ")"
	}
	if s.SavepointFormat != "" {
		kind += " (" + s.SavepointFormat + ")"
	}
	head := fmt.Sprintf("  %s %s, header version %d", formatName(s.Format), kind, s.FormatVersion)
	if s.Dialect != "" {
		head += ", layout " + s.Dialect
	}
	if s.WrittenBy != "" {
		head += ", written by " + s.WrittenBy
	}
	fmt.Fprintln(w, head)
	fmt.Fprintf(w, "  checkpoint id %d, %s (%s of %s bytes decoded)\n", s.CheckpointID, size(s.Size),
		units.Count(s.BytesRead), units.Count(s.Size))
	if f := s.Flink; f != nil {
		if p := f.Properties; p != nil {
			fmt.Fprintf(w, "  properties: %s\n", describeProperties(p))
		}
		if len(f.MasterStates) > 0 {
			var parts []string
			for _, m := range f.MasterStates {
				parts = append(parts, fmt.Sprintf("%s (version %d, %s)", m.Name, m.Version, size(m.Bytes)))
			}
			fmt.Fprintf(w, "  master states: %s\n", strings.Join(parts, ", "))
		}
	}
	if len(s.BackendHints) > 0 {
		fmt.Fprintf(w, "  state: %s\n", strings.Join(s.BackendHints, ", "))
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}

	printOperators(w, s)
	printFiles(w, s, listFiles)
	fmt.Fprintf(w, "\n  inline state stored in the file itself: %s\n", size(s.InlineBytes))
	printError(w, s)
}

func printError(w io.Writer, s *model.Snapshot) {
	if s.Error != nil {
		fmt.Fprintf(w, "\n  error at byte %d: %s\n  (everything above was decoded before the error)\n", s.Error.Offset, s.Error.Message)
	}
}

// printManifest summarises a SlateDB manifest in SlateDB's terms: epochs,
// WAL range, the LSM tree, checkpoints and the parent databases of a clone.
func printManifest(w io.Writer, s *model.Snapshot, listFiles bool) {
	d := s.SlateDB
	head := fmt.Sprintf("  SlateDB manifest %d, format version %d", d.ManifestID, s.FormatVersion)
	if s.Dialect != "" {
		head += " (" + s.Dialect + ")"
	}
	if s.WrittenBy != "" {
		head += ", written by " + s.WrittenBy
	}
	fmt.Fprintln(w, head)
	fmt.Fprintf(w, "  %s (%s of %s bytes decoded)\n", size(s.Size), units.Count(s.BytesRead), units.Count(s.Size))
	fmt.Fprintf(w, "  writer epoch %d, compactor epoch %d; WAL: compacted up to %d, last seen %d\n",
		d.WriterEpoch, d.CompactorEpoch, d.WALIDLastCompacted, d.WALIDLastSeen)
	if !d.Initialized {
		fmt.Fprintln(w, "  not initialized yet: a clone still being set up")
	}
	runSSTs := 0
	for _, r := range d.SortedRuns {
		runSSTs += len(r.SSTs)
	}
	fmt.Fprintf(w, "  LSM tree: %d L0 SSTs, %d sorted runs holding %d SSTs", len(d.L0), len(d.SortedRuns), runSSTs)
	if len(d.Segments) > 0 {
		fmt.Fprintf(w, ", in %d segments", len(d.Segments))
	}
	fmt.Fprintln(w)
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}

	fmt.Fprintf(w, "\n  checkpoints: %d\n", len(d.Checkpoints))
	if len(d.Checkpoints) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  id\tname\tmanifest\tcreated\texpires")
		for _, c := range d.Checkpoints {
			name := c.Name
			if name == "" {
				name = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", c.ID, name, c.ManifestID, units.UnixTime(c.CreateTime), units.UnixTime(c.ExpireTime))
		}
		tw.Flush()
	}
	if len(d.ExternalDBs) > 0 {
		fmt.Fprintf(w, "\n  parent databases (this is a clone): %d\n", len(d.ExternalDBs))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  path\tsource checkpoint\tfinal checkpoint\tSSTs still read")
		for _, e := range d.ExternalDBs {
			final := e.FinalCheckpoint
			if final == "" {
				final = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", e.Path, e.SourceCheckpoint, final, len(e.SSTIDs))
		}
		tw.Flush()
	}
	printProjections(w, d)
	printFiles(w, s, listFiles)
	printError(w, s)
}

func formatName(f model.Format) string {
	switch f {
	case model.FormatFlink:
		return "Flink"
	case model.FormatSlateDB:
		return "SlateDB manifest"
	case model.FormatSlateDBCompactions:
		return "SlateDB compactions file"
	}
	return string(f)
}

func describeProperties(p *model.CheckpointProperties) string {
	parts := []string{p.Type}
	for _, v := range []string{p.FormatType, p.SharingFilesStrategy} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if p.PostCheckpointAction != "" && p.PostCheckpointAction != "NONE" {
		parts = append(parts, "then "+p.PostCheckpointAction)
	}
	if p.Forced {
		parts = append(parts, "forced")
	}
	if p.Unclaimed {
		parts = append(parts, "unclaimed")
	}
	var discard []string
	for _, d := range []struct {
		on   bool
		name string
	}{{p.DiscardSubsumed, "subsumed"}, {p.DiscardFinished, "finished"}, {p.DiscardCancelled, "cancelled"},
		{p.DiscardFailed, "failed"}, {p.DiscardSuspended, "suspended"}} {
		if d.on {
			discard = append(discard, d.name)
		}
	}
	if len(discard) == 0 {
		parts = append(parts, "never discarded automatically")
	} else {
		parts = append(parts, "discarded when "+strings.Join(discard, "/"))
	}
	return strings.Join(parts, ", ")
}

func printOperators(w io.Writer, s *model.Snapshot) {
	fmt.Fprintf(w, "\n  operators: %d\n", len(s.Operators))
	if len(s.Operators) == 0 {
		return
	}
	if why := flink.NamesNotRecorded(s.FormatVersion); why != "" {
		fmt.Fprintf(w, "  %s\n", why)
	}
	var state, ckpt, inline int64
	for _, o := range s.Operators {
		state += o.StateBytes
		ckpt += o.CheckpointedBytes
		inline += o.InlineBytes
	}
	n := len(s.Operators)
	printRows(w, "  ", "llrrrrrr", n+2, func(i int, cells []string) []string {
		switch i {
		case 0:
			return append(cells, "id", "name / uid", "parallelism", "subtasks", "state", "checkpointed", "inline", "coordinator")
		case n + 1:
			return append(cells, "total", "", "", "", size(state), size(ckpt), size(inline))
		}
		return operatorRow(cells, &s.Operators[i-1])
	})
}

func operatorRow(cells []string, o *model.Operator) []string {
	label := o.Name
	if o.UID != "" {
		if label != "" {
			label += " / "
		}
		label += o.UID
	}
	if label == "" {
		label = "-"
	}
	subtasks := strconv.Itoa(int(o.Subtasks))
	switch {
	case o.FullyFinished:
		subtasks = "finished"
	case o.Finished > 0:
		subtasks = fmt.Sprintf("%d (%d finished)", o.Subtasks, o.Finished)
	}
	return append(cells, o.ID, label, strconv.Itoa(int(o.Parallelism))+"/"+strconv.Itoa(int(o.MaxParallelism)),
		subtasks, size(o.StateBytes), size(o.CheckpointedBytes), size(o.InlineBytes), size(o.CoordinatorBytes))
}

var kindOrder = []model.FileKind{model.KindKeyed, model.KindOperator, model.KindShared, model.KindPrivate,
	model.KindMetadata, model.KindChangelog, model.KindChannel, model.KindSegment, model.KindCoordinator,
	model.KindSST, model.KindWAL, model.KindManifest}

// printFiles prints a count and size per kind of file and, with listFiles,
// every file: a large job references hundreds of thousands.
func printFiles(w io.Writer, s *model.Snapshot, listFiles bool) {
	var total int64
	byKind := map[model.FileKind][]int32{} // positions in s.Files, not copies
	for i, f := range s.Files {
		byKind[f.Kind] = append(byKind[f.Kind], int32(i))
		if f.Bytes > 0 {
			total += f.Bytes
		}
	}
	fmt.Fprintf(w, "\n  files: %d referenced, %s recorded\n", len(s.Files), size(total))
	seen := map[model.FileKind]bool{}
	kinds := append([]model.FileKind{}, kindOrder...)
	for _, f := range s.Files { // kinds outside the known list, in first-seen order
		if !contains(kindOrder, f.Kind) && !contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	for _, k := range kinds {
		files := byKind[k]
		if len(files) == 0 || seen[k] {
			continue
		}
		seen[k] = true
		var sum int64
		for _, i := range files {
			if f := &s.Files[i]; f.Bytes > 0 {
				sum += f.Bytes
			}
		}
		fmt.Fprintf(w, "    %s (%d, %s)\n", k, len(files), size(sum))
		if !listFiles {
			continue
		}
		printRows(w, "      ", "lrll", len(files), func(i int, cells []string) []string {
			f := &s.Files[files[i]]
			note := ""
			if f.Relative {
				note = "relative"
			}
			if f.Segments > 0 {
				note = fmt.Sprintf("%d segments", f.Segments)
			}
			return append(cells, f.Path, size(f.Bytes), note, strings.Join(f.Operators, " "))
		})
	}
}

func contains(kinds []model.FileKind, k model.FileKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
