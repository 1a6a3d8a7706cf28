package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/units"
)

// Printing of the analysis reports (dependencies, sizes, comparison, orphan
// plan) shared by inspect, compare and orphans.

// snapshotArgs reads "[--base LOC] SNAPSHOT" pairs: --base applies to the
// snapshot after it. Other flags are handled by flag, which returns false
// for flags it does not know.
type snapshotArgs struct {
	inputs []string
	bases  []string
	// maxModel is --max-model: the most memory one snapshot's model may
	// take (0: no limit).
	maxModel int64
}

// limits is the decoders' guard: the page's by default, --max-model's when
// given.
func (sa snapshotArgs) limits() parse.Limits {
	return parse.Limits{MaxModelBytes: sa.maxModel,
		Hint: "; give --max-model SIZE (for example 8GB, or none) to raise it"}
}

// parseMaxModel reads --max-model: a size such as 8GB, or 0 or none for no
// limit.
func parseMaxModel(v string) (int64, error) {
	if v == "none" {
		return 0, nil
	}
	num := strings.TrimRightFunc(v, func(r rune) bool { return r < '0' || r > '9' && r != '.' })
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(v[len(num):]))]
	n, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || n < 0 || n*unit >= math.MaxInt64 {
		return 0, fmt.Errorf("--max-model %q: expected a size such as 4GB, 4GiB or 4000000000, or none", v)
	}
	return int64(n * unit), nil
}

// sizeUnits are the units --max-model takes: decimal and binary.
var sizeUnits = map[string]float64{"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}

// parseArgs splits args into snapshots (each with its --base) and lets
// flag consume the other flags; value flags take the next argument.
func parseArgs(args []string, valueFlags map[string]*string, boolFlags map[string]*bool) (snapshotArgs, error) {
	sa := snapshotArgs{maxModel: parse.DefaultMaxModelBytes}
	base := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--":
			for _, p := range args[i+1:] {
				sa.inputs = append(sa.inputs, p)
				sa.bases = append(sa.bases, base)
				base = ""
			}
			i = len(args)
		case !strings.HasPrefix(a, "-") || a == "-":
			sa.inputs = append(sa.inputs, a)
			sa.bases = append(sa.bases, base)
			base = ""
		case name == "base" || name == "max-model" || valueFlags[name] != nil:
			if !hasVal {
				if i+1 >= len(args) {
					return sa, fmt.Errorf("flag %s needs a value", a)
				}
				i++
				val = args[i]
			}
			switch name {
			case "base":
				base = val
			case "max-model":
				var err error
				if sa.maxModel, err = parseMaxModel(val); err != nil {
					return sa, err
				}
			default:
				*valueFlags[name] = val
			}
		case boolFlags[name] != nil && !hasVal:
			*boolFlags[name] = true
		default:
			return sa, fmt.Errorf("unknown flag %s", a)
		}
	}
	if base != "" {
		return sa, fmt.Errorf("--base %s is not followed by a snapshot", base)
	}
	return sa, nil
}

func count(n int) string { return units.Count(n) }

// files is "1 file", "1,234 files".
func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return count(n) + " files"
}

// printLocation says where the snapshot lives and how that was found.
func printLocation(w io.Writer, s *parse.SnapshotReport) {
	fmt.Fprintf(w, "  location: %s\n", s.Location.Explain("given with --base", "give --base"))
	fmt.Fprintf(w, "  label: %s (as compare and the page name it)\n", s.Label())
}

// printSizes prints Flink's full and checkpointed totals.
func printSizes(w io.Writer, s *parse.SnapshotReport) {
	sz := s.Sizes
	if sz.Checkpointed < 0 {
		fmt.Fprintf(w, "  size: %s referenced (%s files)\n", size(sz.Full), count(sz.Files))
		return
	}
	fmt.Fprintf(w, "  full checkpoint data size: %s   checkpointed data size: %s   inline: %s\n",
		size(sz.Full), size(sz.Checkpointed), size(sz.Inline))
}

// printDependencies prints the dependency folders as a table.
func printDependencies(w io.Writer, s *parse.SnapshotReport) {
	plural := "s"
	if len(s.Dependencies) == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "\n  dependencies: %d folder%s\n", len(s.Dependencies), plural)
	if len(s.Dependencies) == 0 {
		return
	}
	var total int64
	for _, d := range s.Dependencies {
		total += d.Bytes
	}
	t := newTable("  ", "lrrrl", "role", "files", "size", "share", "folder")
	for _, d := range s.Dependencies {
		files := count(d.Files)
		if d.Role == parse.RoleInline {
			files = "-"
		}
		note := ""
		switch {
		case d.Segments > 0 && d.ListedFiles > 0:
			note = fmt.Sprintf("%d segments, %s of %s physical", d.Segments, size(d.Bytes), size(d.PhysicalBytes))
		case d.Segments > 0:
			note = fmt.Sprintf("%d segments", d.Segments)
		case d.UnknownSizeFiles > 0:
			note = fmt.Sprintf("%d without a recorded size", d.UnknownSizeFiles)
		}
		dir := d.Dir
		if d.Role == parse.RoleInline {
			dir = "inside " + dir
		}
		if note != "" {
			dir += "  (" + note + ")"
		}
		t.add(string(d.Role), files, size(d.Bytes), share(d.Bytes, total), dir)
	}
	t.print(w)
}

func share(part, total int64) string {
	if total <= 0 || part < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(total))
}

// printAnalysis prints what inspect adds to the decoded summary.
func printAnalysis(w io.Writer, s *parse.SnapshotReport) {
	fmt.Fprintln(w)
	printLocation(w, s)
	printSizes(w, s)
	printDependencies(w, s)
}

// printComparison prints how several snapshots relate.
func printComparison(w io.Writer, r *parse.Report) {
	c := r.Comparison
	printJobs(w, r)
	fmt.Fprintf(w, "%d snapshots, job by job, oldest first\n\n", len(r.Snapshots))
	printComparisonTable(w, r)
	distinct := "distinct " + files(c.UnionFiles)
	if c.UnionFiles > 0 {
		distinct = count(c.UnionFiles) + " distinct " + strings.TrimPrefix(files(c.UnionFiles), count(c.UnionFiles)+" ")
	}
	fmt.Fprintf(w, "\n%s, %s; %s (%s) referenced by more than one\n",
		distinct, size(c.UnionBytes), files(c.SharedFiles), size(c.SharedBytes))
	printSharedFiles(w, c)
	printUploadMarks(w, c)
}

// printComparisonTable is one row per snapshot, in the comparison's order.
func printComparisonTable(w io.Writer, r *parse.Report) {
	c := r.Comparison
	t := newTable("", "rllrrrrrrrrl", "#", "snapshot", "after", "files", "size", "shared", "new files", "new size", "dropped", "full", "checkpointed", "depends on")
	for row, i := range c.Order {
		s, cs := r.Snapshots[i], c.Snapshots[i]
		after := "-"
		if cs.Previous >= 0 {
			after = c.Snapshots[cs.Previous].Label
		}
		deps := "-"
		if len(cs.Folders) > 1 {
			var names []string
			for _, f := range cs.Folders[1:] {
				names = append(names, shortFolder(f))
			}
			deps = strings.Join(names, ", ")
		}
		t.add(fmt.Sprint(row+1), cs.Label, after, count(cs.Files), size(cs.Bytes), count(cs.SharedFiles), count(cs.NewFiles),
			size(cs.NewBytes), count(cs.DroppedFiles), size(s.Sizes.Full), checkpointed(s.Sizes.Checkpointed), deps)
	}
	t.print(w)
}

// printSharedFiles lists the files several snapshots share, and which one
// first uploaded them.
func printSharedFiles(w io.Writer, c *parse.Comparison) {
	const limit = 40
	var paths []string
	for _, f := range c.Files {
		if len(f.Snapshots) > 1 && len(paths) < limit {
			paths = append(paths, f.Path)
		}
	}
	// Paths relative to the folder they all share, named once.
	prefix := commonFolder(paths)
	shown := 0
	t := newTable("", "lrll", "shared file", "size", "first in", "used by")
	for _, f := range c.Files {
		if len(f.Snapshots) < 2 {
			continue
		}
		shown++
		if shown > limit {
			continue
		}
		first := c.Snapshots[f.FirstIn].Label
		switch {
		case f.UploadedElsewhere:
			first = "< " + first
		case f.UploadedBefore:
			first = "≤ " + first
		}
		var used []string
		for _, i := range f.Snapshots {
			used = append(used, c.Snapshots[i].Label)
		}
		t.add(strings.TrimPrefix(f.Path, prefix), size(f.Bytes), first, strings.Join(used, " "))
	}
	if shown > 0 {
		fmt.Fprintln(w)
		if prefix != "" {
			fmt.Fprintf(w, "shared files, under %s\n", prefix)
		}
		t.print(w)
	}
	if shown > limit {
		fmt.Fprintf(w, "… and %s more shared files (--json lists them all)\n", count(shown-limit))
	}
}

// printUploadMarks explains the marks printSharedFiles put on "first in".
func printUploadMarks(w io.Writer, c *parse.Comparison) {
	var before, elsewhere bool
	for _, f := range c.Files {
		if len(f.Snapshots) > 1 {
			before = before || f.UploadedBefore
			elsewhere = elsewhere || f.UploadedElsewhere
		}
	}
	if before || elsewhere {
		fmt.Fprintln(w)
	}
	if before {
		fmt.Fprintln(w, "≤: uploaded by that snapshot or an older checkpoint that was not given")
	}
	if elsewhere {
		fmt.Fprintln(w, "<: found in another checkpoint's folder: an older checkpoint that was not given uploaded it")
	}
}

func checkpointed(n int64) string {
	if n < 0 {
		return "-"
	}
	return size(n)
}

// shortFolder names another checkpoint's folder by its last elements.
func shortFolder(p string) string {
	parts := strings.Split(strings.TrimRight(p, "/"), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
		if len(parts[0]) > 12 {
			parts[0] = parts[0][:8] + "…"
		}
	}
	return strings.Join(parts, "/")
}

// printOrphans prints the safe-to-delete plan.
func printOrphans(w io.Writer, r *parse.Report) {
	p := r.Orphans
	fmt.Fprintf(w, "listing: %s, %s, %s under %s\n", p.Listing.Format, files(p.Listing.Files), size(p.Listing.Bytes), p.Listing.Root)
	if p.Listing.Prefix != "" {
		fmt.Fprintf(w, "  relative entries resolved against %s\n", p.Listing.Prefix)
	}
	var labels []string
	for i, s := range r.Snapshots {
		l := s.Location.Dir
		if l == "" {
			l = s.Source
		}
		if s.SlateDB != nil {
			l += fmt.Sprintf(" (manifest %d)", s.SlateDB.ManifestID)
		}
		if s.Compactions != nil {
			l += fmt.Sprintf(" (compactions %d)", s.Compactions.ID)
		}
		labels = append(labels, fmt.Sprintf("  %d  %s", i+1, l))
	}
	fmt.Fprintf(w, "kept by the %d given snapshot(s): %s, %s\n%s\n", len(r.Snapshots), files(p.ReferencedFiles), size(p.ReferencedBytes), strings.Join(labels, "\n"))

	if p.Refused() {
		fmt.Fprintln(w, "\nREFUSED: nothing is planned for deletion, because:")
		for _, ref := range p.Refusals {
			fmt.Fprintf(w, "  - %s\n", ref.Message)
		}
	}
	fmt.Fprintln(w, "\nwhat this plan cannot know:")
	for _, u := range p.Unknowns {
		fmt.Fprintf(w, "  - %s\n", u)
	}
	fmt.Fprintf(w, "\nsafe to delete: %s, %s\n", files(p.DeletableFiles), size(p.DeletableBytes))
	printItems(w, p.Deletable)
	if len(p.Unsure) > 0 {
		fmt.Fprintf(w, "\nnot referenced, but kept: %s, %s\n", files(p.UnsureFiles), size(p.UnsureBytes))
		printItems(w, p.Unsure)
	}
	if len(p.Missing) > 0 {
		fmt.Fprintf(w, "\nreferenced but missing from the listing: %d\n", len(p.Missing))
		t := newTable("  ", "lrl")
		for _, m := range p.Missing {
			var by []string
			for _, i := range m.Snapshots {
				by = append(by, fmt.Sprint(i+1))
			}
			t.add(m.Path, size(m.Bytes), "needed by "+strings.Join(by, ", "))
		}
		t.print(w)
	}
}

func printItems(w io.Writer, items []parse.OrphanItem) {
	if len(items) == 0 {
		return
	}
	// Many single files of one folder for one reason read as one line.
	const group = 5
	t := newTable("  ", "lrrl", "path", "files", "size", "why")
	grouped := false
	for i := 0; i < len(items); {
		it := items[i]
		j := i + 1
		if !it.Dir {
			for j < len(items) && !items[j].Dir && items[j].Reason == it.Reason && dirOf(items[j].Path) == dirOf(it.Path) {
				j++
			}
		}
		if j-i > group {
			var n int
			var bytes int64
			for _, x := range items[i:j] {
				n += x.Files
				bytes += x.Bytes
			}
			t.add(dirOf(it.Path)+"/*", count(n), size(bytes), it.Reason)
			grouped = true
			i = j
			continue
		}
		t.add(it.Location(), count(it.Files), size(it.Bytes), it.Reason)
		i++
	}
	t.print(w)
	if grouped {
		fmt.Fprintln(w, "  (--json lists every file)")
	}
}

func dirOf(p string) string { return p[:max(strings.LastIndexByte(p, '/'), 0)] }

// commonFolder is the longest folder prefix (ending in "/") of all paths,
// or "" when they share none worth naming.
func commonFolder(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	prefix := paths[0][:strings.LastIndexByte(paths[0], '/')+1]
	for _, p := range paths[1:] {
		for !strings.HasPrefix(p, prefix) {
			i := strings.LastIndexByte(strings.TrimSuffix(prefix, "/"), '/')
			if i < 0 {
				return ""
			}
			prefix = prefix[:i+1]
		}
	}
	if len(prefix) < 8 {
		return ""
	}
	return prefix
}
