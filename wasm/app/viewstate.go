package app

import (
	"strings"
)

// ViewState is what the reader is looking at: the snapshot, the section,
// and the files table's filter, kind, sort and the treemap tile picked. It
// lives in the URL's fragment (after a share link's own part), so a link
// opens on the same view.
type ViewState struct {
	Snapshot string // the snapshot's label (jobs.Grouping.Labels)
	Section  string // the id of the section last gone to
	Filter   string
	Kind     string
	Sort     string // a files column, "-" first when largest first
	Dep, Op  string // a treemap tile's folder and operator
	// seq counts changes made outside the files table (a link, a tile),
	// which the table takes over when it next renders.
	seq int
	// scrollTo is a section to bring into view after the next render.
	scrollTo string
}

// viewKeys are the fragment's keys, in the order they are written.
var viewKeys = []string{"snap", "sec", "q", "kind", "sort", "dir", "op"}

func (v *ViewState) field(key string) *string {
	switch key {
	case "snap":
		return &v.Snapshot
	case "sec":
		return &v.Section
	case "q":
		return &v.Filter
	case "kind":
		return &v.Kind
	case "sort":
		return &v.Sort
	case "dir":
		return &v.Dep
	case "op":
		return &v.Op
	}
	return nil
}

// Encode is the view as fragment parameters ("snap=ab12cd34/chk-4&sec=files").
func (v *ViewState) Encode() string {
	var parts []string
	for _, k := range viewKeys {
		if s := *v.field(k); s != "" {
			parts = append(parts, k+"="+escapeFragment(s))
		}
	}
	return strings.Join(parts, "&")
}

// parseView reads Encode's form; unknown keys and malformed escapes are
// ignored, as a link is typed or cut by people.
func parseView(s string) ViewState {
	var v ViewState
	for _, part := range strings.Split(s, "&") {
		k, val, ok := strings.Cut(part, "=")
		if f := v.field(k); ok && f != nil {
			*f = unescapeFragment(val)
		}
	}
	return v
}

// sections are the ids a view's section may name.
var sections = []string{"summary", "dependencies", "treemap", "chart", "files", "operators", "slatedb", "history", "several", "plan-h"}

// escapeFragment percent-encodes all but the characters a fragment keeps
// readable.
func escapeFragment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/:", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func unescapeFragment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if hi, lo := unhex(s[i+1]), unhex(s[i+2]); hi >= 0 && lo >= 0 {
				b.WriteByte(byte(hi<<4 | lo))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Navigator is what the page needs to keep the view in the address bar;
// wasm/jsio's Browser implements it.
type Navigator interface {
	// SetFragment replaces the URL's fragment without a new history entry
	// or a hashchange.
	SetFragment(fragment string)
	// ScrollTo brings the element with id into view.
	ScrollTo(id string)
}

// view is the view state the components share.
func (r *Root) view() *ViewState { return &r.View }

// Select shows snapshot i in the detail views.
func (r *Root) Select(i int) {
	r.Selected = i
	r.View.Snapshot = r.snapshotLabel(i)
}

// newReport starts showing a report just made or opened: the snapshot of
// the same label stays selected (the files analysed again, say).
func (r *Root) newReport() {
	r.linkFragment = ""
	r.Selected = 0
	if r.Report == nil {
		return
	}
	r.Report.CheckJobs()
	for i := range r.Report.Snapshots {
		if r.View.Snapshot != "" && r.snapshotLabel(i) == r.View.Snapshot {
			r.Selected = i
		}
	}
}

// applyView shows v: its snapshot (by label), section and files table.
func (r *Root) applyView(v ViewState) {
	v.seq, v.scrollTo = r.View.seq+1, v.Section
	r.View = v
	if r.Report == nil {
		return
	}
	r.Report.CheckJobs()
	for i := range r.Report.Snapshots {
		if r.snapshotLabel(i) == v.Snapshot {
			r.Selected = i
		}
	}
}

// Pick is a treemap tile's handler: the files table shows what the tile
// holds.
func (r *Root) Pick(p TilePick) {
	v := &r.View
	v.Dep, v.Op, v.Kind, v.Filter = p.Dep, p.Op, p.Kind, p.Path
	v.Section, v.scrollTo = "files", "files"
	v.seq++
}

// goToSection is an in-page link followed ("#files"): the section becomes
// the view's.
func (r *Root) goToSection(id string) bool {
	for _, s := range sections {
		if s == id {
			r.View.Section = id
			return true
		}
	}
	return false
}

// FollowSection is an in-page link clicked: its section becomes the view's.
// Call it on a goroutine.
func (r *Root) FollowSection(id string) {
	r.Env.Lock()
	defer r.Env.UnlockRender()
	r.goToSection(id)
}

// fragment is the URL fragment for what is shown: a shared report's link
// part, then the view.
func (r *Root) fragment() string {
	v := r.View.Encode()
	switch {
	case r.linkFragment == "":
		return v
	case v == "":
		return r.linkFragment
	}
	return r.linkFragment + "&" + v
}

// showView writes the view into the address bar and scrolls to a section a
// link or a tile asked for; called after every render.
func (r *Root) showView() {
	nav, ok := r.Platform.(Navigator)
	if !ok || r.warming || r.Report == nil {
		return
	}
	if f := r.fragment(); f != r.shownFragment {
		r.shownFragment = f
		nav.SetFragment(f)
	}
	if id := r.View.scrollTo; id != "" && !r.Busy {
		r.View.scrollTo = ""
		nav.ScrollTo(id)
	}
}

// withView appends a view to a share link's fragment.
func withView(link, view string) string {
	if view == "" {
		return link
	}
	return link + "&" + view
}

// followFragment handles a fragment that carries no report: an in-page
// link ("#files") or a view typed or pasted into the address bar.
func (r *Root) followFragment(fragment string) {
	f := strings.TrimPrefix(fragment, "#")
	if f == "" {
		return
	}
	r.Env.Lock()
	defer r.Env.UnlockRender()
	if !strings.Contains(f, "=") {
		r.goToSection(f)
		return
	}
	if r.Report != nil && f != r.shownFragment {
		r.applyView(parseView(f))
	}
}
