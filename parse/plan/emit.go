package plan

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ckptlens/ckptlens/parse/paths"
)

// groupLimit is how many deletable files of one folder, with one reason,
// the plan lists one by one; beyond it they are one item, the folder with
// their count and bytes, and their paths go to the plan's spool: a plan
// of millions of files holds its folders, not its files.
const groupLimit = 1000

// Spool holds the paths of the deletable files that the plan counts in
// groups until the plan is known not to be refused.
type Spool interface {
	io.Writer
	// Replay writes everything written so far to w.
	Replay(w io.Writer) error
}

// memorySpool is the spool of a plan made without one.
type memorySpool struct{ b []byte }

func (m *memorySpool) Write(b []byte) (int, error) { m.b = append(m.b, b...); return len(b), nil }
func (m *memorySpool) Replay(w io.Writer) error {
	_, err := w.Write(m.b)
	return err
}

// fileGroup is the deletable files of one folder with one reason.
type fileGroup struct {
	id      int
	dirKey  string
	items   []Item
	all     *Item // set once the group is counted rather than listed
	dropped bool  // inside a wholly deletable folder, which the plan lists
}

// listDeletable adds a deletable file to the group of its folder and
// reason: listed one by one up to groupLimit, counted and spooled beyond.
// Whether the folder is wholly deletable is known only at the end of the
// pass (dropGroupsInside).
func (p *planner) listDeletable(e Entry, v verdict) {
	t := &p.tally
	g := keptGroup{paths.Parent(e.Path), v.reason}
	fg := t.files[g]
	if fg == nil {
		fg = &fileGroup{id: len(t.fileOrder), dirKey: paths.KeyDir(e.Key)}
		t.files[g] = fg
		t.fileOrder = append(t.fileOrder, g)
	}
	it := Item{Path: e.Path, Files: 1, Bytes: e.Bytes, Reason: v.reason}
	if fg.all == nil && len(fg.items) < groupLimit {
		fg.items = append(fg.items, it)
		return
	}
	if fg.all == nil {
		fg.all = &Item{Path: g.dir, Group: true, Reason: g.reason}
		for _, held := range fg.items {
			p.spoolPath(fg, held)
		}
		fg.items = nil
	}
	p.spoolPath(fg, it)
}

// spoolPath writes a grouped file as "<group id> <path>": a group found
// inside a wholly deletable folder is left out when the spool is replayed.
func (p *planner) spoolPath(fg *fileGroup, it Item) {
	fg.all.Files++
	fg.all.Bytes += it.Bytes
	if p.spoolErr == nil {
		_, p.spoolErr = io.WriteString(p.out.spool, strconv.Itoa(fg.id)+" "+it.Path+"\n")
	}
}

// dropGroupsInside leaves out the groups whose folder lies in a wholly
// deletable folder: the plan lists that folder.
func (p *planner) dropGroupsInside() {
	p.out.dropped = map[int]bool{}
	for _, fg := range p.tally.files {
		if p.insideWholly(fg.dirKey) {
			fg.dropped = true
			p.out.dropped[fg.id] = true
		}
	}
}

// listFiles appends the deletable files outside wholly deletable folders,
// or their groups, sorted by path after the folders.
func (p *planner) listFiles() {
	t := &p.tally
	n := len(p.out.Deletable)
	for _, g := range t.fileOrder {
		switch fg := t.files[g]; {
		case fg.dropped:
		case fg.all != nil:
			p.out.Deletable = append(p.out.Deletable, *fg.all)
		default:
			p.out.Deletable = append(p.out.Deletable, fg.items...)
		}
	}
	d := p.out.Deletable
	sort.SliceStable(d[n:], func(a, b int) bool { return d[n+a].Path < d[n+b].Path })
}

// groupedPaths replays the spool to w, each path without its group id,
// leaving out the dropped groups.
type groupedPaths struct {
	w       io.Writer
	dropped map[int]bool
	partial []byte
}

func (g *groupedPaths) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.partial = append(g.partial, b...)
			break
		}
		line := b[:i+1]
		if len(g.partial) > 0 {
			line = append(g.partial, line...)
			g.partial = g.partial[:0]
		}
		b = b[i+1:]
		sp := bytes.IndexByte(line, ' ')
		if id, err := strconv.Atoi(string(line[:max(sp, 0)])); sp < 0 || err != nil || g.dropped[id] {
			continue
		}
		if _, err := g.w.Write(line[sp+1:]); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// lineFunc is a writer that gets whole lines (groupedPaths writes one line
// a call), without their newline.
type lineFunc func(line string)

func (f lineFunc) Write(b []byte) (int, error) {
	f(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// insideWholly reports whether folder key d, or a folder above it below the
// root, is wholly deletable.
func (p *planner) insideWholly(d string) bool {
	for k := d; k != p.root && paths.Under(k, p.root) && k != "/" && k != "."; k = paths.KeyDir(k) {
		if p.wholly(k) {
			return true
		}
	}
	return false
}

// spellOtherJobs notes how the first entry under each job folder no
// snapshot was given for spells it (once the job is known); lastDir saves
// walking up again from the same folder.
func (p *planner) spellOtherJobs(e Entry, lastDir string) string {
	note := func(k string) {
		if shown, ok := p.tally.otherJobs[k]; ok && shown == "" {
			p.tally.otherJobs[k] = paths.WrittenPrefix(e.Path, k)
		}
	}
	note(e.Key)
	d := paths.KeyDir(e.Key)
	if d == lastDir {
		return d
	}
	for k := d; k != "/" && k != "."; k = paths.KeyDir(k) {
		note(k)
	}
	return d
}

// jobsNotGiven are the job folders with kept files that no given snapshot
// belongs to, as listed.
func (p *planner) jobsNotGiven() []string {
	var out []string
	for k, shown := range p.tally.otherJobs {
		if shown == "" {
			shown = k
		}
		out = append(out, shown)
	}
	sort.Strings(out)
	return out
}
