package report

import "sort"

// LeftOut says what a report made for sharing (Report.ForSharing) leaves
// out. Every count, size, folder and operator still covers all of it.
type LeftOut struct {
	// Rows is the most rows each list kept.
	Rows int `json:"rows"`
	// Files are file rows left out, all snapshots together; ComparedFiles
	// and PlanRows the same for the comparison and the deletion plan.
	Files         int `json:"files"`
	ComparedFiles int `json:"comparedFiles,omitempty"`
	PlanRows      int `json:"planRows,omitempty"`
}

// ForSharing returns the report with each of its long lists cut to its
// rows most telling rows, for a link: a job of 100,000 files makes a
// report that compresses to megabytes. A snapshot keeps its largest files,
// the comparison its largest files shared by two or more snapshots before
// the others, the deletion plan its first rows (largest folders first).
// Kept rows stay in their order. The totals, folders, operators and sizes,
// computed from every file, are kept whole, so the shared report answers
// the same questions; LeftOut says what is missing. A report whose lists
// are all short enough is returned as it is; r itself never changes.
func (r *Report) ForSharing(rows int) *Report {
	if r.LongestList() <= rows {
		return r
	}
	out := *r
	out.LeftOut = &LeftOut{Rows: rows}
	if r.LeftOut != nil { // cut before: what it left out stays out
		*out.LeftOut = *r.LeftOut
		out.LeftOut.Rows = min(r.LeftOut.Rows, rows)
	}
	out.Snapshots = make([]*SnapshotReport, len(r.Snapshots))
	for i, s := range r.Snapshots {
		out.Snapshots[i] = s
		if len(s.Files) <= rows {
			continue
		}
		keep := largest(len(s.Files), rows, func(a, b int) bool { return s.Files[a].Bytes > s.Files[b].Bytes })
		snap := *s.Snapshot
		cut := *s
		cut.Snapshot = &snap
		snap.Files = pick(s.Files, keep)
		if len(s.FileRefs) == len(s.Files) {
			cut.FileRefs = pick(s.FileRefs, keep)
		}
		cut.FilesLeftOut = s.FilesLeftOut + len(s.Files) - rows
		out.LeftOut.Files += len(s.Files) - rows
		out.Snapshots[i] = &cut
	}
	if c := r.Comparison; c != nil && len(c.Files) > rows {
		keep := largest(len(c.Files), rows, func(a, b int) bool {
			fa, fb := c.Files[a], c.Files[b]
			if sa, sb := len(fa.Snapshots) > 1, len(fb.Snapshots) > 1; sa != sb {
				return sa
			}
			return fa.Bytes > fb.Bytes
		})
		cut := *c
		cut.Files = pick(c.Files, keep)
		out.LeftOut.ComparedFiles += len(c.Files) - rows
		out.Comparison = &cut
	}
	if o := r.Orphans; o != nil {
		cut := *o
		for _, list := range []*[]OrphanItem{&cut.Deletable, &cut.Unsure} {
			if len(*list) > rows {
				out.LeftOut.PlanRows += len(*list) - rows
				*list = (*list)[:rows:rows]
			}
		}
		if len(cut.Missing) > rows {
			out.LeftOut.PlanRows += len(cut.Missing) - rows
			cut.Missing = cut.Missing[:rows:rows]
		}
		out.Orphans = &cut
	}
	return &out
}

// LongestList is the number of rows in the longest list ForSharing cuts.
func (r *Report) LongestList() int {
	n := 0
	for _, s := range r.Snapshots {
		n = max(n, len(s.Files))
	}
	if c := r.Comparison; c != nil {
		n = max(n, len(c.Files))
	}
	if o := r.Orphans; o != nil {
		n = max(n, len(o.Deletable), len(o.Unsure), len(o.Missing))
	}
	return n
}

// largest returns the indices of the first rows of n items in the order
// before sorts them (earlier index first among equals), in index order.
// (sort, not slices: the page already holds sort's code.)
func largest(n, rows int, before func(a, b int) bool) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return before(idx[i], idx[j]) })
	idx = idx[:rows]
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	return idx
}

// pick is list's items at the given indices.
func pick[T any](list []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = list[j]
	}
	return out
}
