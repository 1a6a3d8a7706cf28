package plan

import (
	"path"
	"sort"

	"github.com/ckptlens/ckptlens/parse/paths"
)

// folderStat is what a listed folder holds, by its files' verdicts.
type folderStat struct {
	shown   string
	files   int
	bytes   int64
	blocked bool // holds something referenced or kept
	reasons map[string]bool
	first   string
}

// group is the last phase: the verdicts become the plan's lists, whole
// folders first. Folders are the listed ones (never entropy-free spellings
// that may not exist).
func (p *planner) group() *Plan {
	out := &p.out
	out.Deletable, out.Unsure = []Item{}, []Item{}
	if out.Missing == nil {
		out.Missing = []Missing{}
	}
	if out.Refusals == nil {
		out.Refusals = []Refusal{}
	}
	folders := map[string]*folderStat{}
	folderOf := func(k, shown string) *folderStat {
		d := folders[k]
		if d == nil {
			d = &folderStat{shown: shown, reasons: map[string]bool{}}
			folders[k] = d
		}
		return d
	}
	var files []int // deletable files
	for i, e := range p.listed.Entries {
		if e.Dir {
			if e.Key != "" && paths.Under(e.Key, p.root) && e.Key != p.root {
				folderOf(e.Key, e.Path)
			}
			continue
		}
		v := p.verdicts[i]
		p.count(e, v)
		if v.state == deletable {
			files = append(files, i)
		}
		if e.Key == "" {
			continue
		}
		shown := e.Path
		for k := path.Dir(e.Key); k != p.root && paths.Under(k, p.root) && k != "/" && k != "."; k = path.Dir(k) {
			shown = paths.Parent(shown)
			d := folderOf(k, shown)
			if v.state != deletable {
				d.blocked = true
				continue
			}
			d.files++
			d.bytes += e.Bytes
			if !d.reasons[v.reason] {
				d.reasons[v.reason] = true
				if d.first == "" {
					d.first = v.reason
				}
			}
		}
	}
	p.blockProtected(folders)
	wholly := func(k string) bool {
		d := folders[k]
		return d != nil && !d.blocked
	}
	p.deletableItems(folders, wholly, files)
	p.keptItems()
	return out
}

func (p *planner) count(e Entry, v verdict) {
	out := &p.out
	out.Listing.Files++
	out.Listing.Bytes += e.Bytes
	switch v.state {
	case referenced:
		out.ReferencedFiles++
		out.ReferencedBytes += e.Bytes
	case deletable:
		out.DeletableFiles++
		out.DeletableBytes += e.Bytes
	default:
		out.UnsureFiles++
		out.UnsureBytes += e.Bytes
	}
}

// blockProtected keeps the folders that must stay even when nothing in them
// is needed, and every folder above a kept checkpoint folder.
func (p *planner) blockProtected(folders map[string]*folderStat) {
	block := func(k string) {
		for d := k; paths.Under(d, p.root) && d != "/" && d != "."; d = path.Dir(d) {
			if f := folders[d]; f != nil {
				f.blocked = true
			}
			if d == p.root {
				break
			}
		}
	}
	for _, dir := range p.protectedFolders() {
		block(paths.Key(dir))
	}
	for k, c := range p.chks {
		if c.kept {
			block(k)
		}
	}
	// A referenced file's folders stay even when the listing lacks it.
	for k := range p.refs {
		block(k)
	}
}

// deletableItems lists the largest wholly deletable folders, then the
// deletable files outside them.
func (p *planner) deletableItems(folders map[string]*folderStat, wholly func(string) bool, files []int) {
	out := &p.out
	var tops []string
	for k := range folders {
		if wholly(k) && !wholly(path.Dir(k)) {
			tops = append(tops, k)
		}
	}
	sort.Strings(tops)
	for _, k := range tops {
		d := folders[k]
		out.Deletable = append(out.Deletable, Item{Path: d.shown, Dir: true, Files: d.files, Bytes: d.bytes, Reason: p.folderReason(k, d)})
	}
	n := len(out.Deletable)
	for _, i := range files {
		e := p.listed.Entries[i]
		inside := false
		for k := path.Dir(e.Key); e.Key != "" && k != p.root && paths.Under(k, p.root) && k != "/" && k != "."; k = path.Dir(k) {
			if wholly(k) {
				inside = true
				break
			}
		}
		if !inside {
			out.Deletable = append(out.Deletable, Item{Path: e.Path, Files: 1, Bytes: e.Bytes, Reason: p.verdicts[i].reason})
		}
	}
	sort.SliceStable(out.Deletable[n:], func(a, b int) bool { return out.Deletable[n+a].Path < out.Deletable[n+b].Path })
}

// folderReason says why a whole folder can go.
func (p *planner) folderReason(k string, d *folderStat) string {
	if c := p.chks[p.entropy.canonical(k)]; c != nil && !c.kept {
		return c.reason
	}
	switch len(d.reasons) {
	case 0:
		return "empty folder"
	case 1:
		return d.first
	}
	return "nothing in it is needed by a given snapshot"
}

// keptItems lists what is kept unreferenced: a folder per kept checkpoint,
// then the other files grouped by folder and reason.
func (p *planner) keptItems() {
	type group struct{ dir, reason string }
	groups := map[group]*Item{}
	var order []group
	for i, e := range p.listed.Entries {
		v := p.verdicts[i]
		if e.Dir || v.state != kept {
			continue
		}
		g := group{paths.Parent(e.Path), v.reason}
		it := groups[g]
		if it == nil {
			it = &Item{Path: e.Path, Reason: v.reason}
			groups[g] = it
			order = append(order, g)
		} else {
			it.Path, it.Dir = g.dir, true
		}
		it.Files++
		it.Bytes += e.Bytes
	}
	sort.SliceStable(order, func(a, b int) bool { return groups[order[a]].Path < groups[order[b]].Path })
	for _, g := range order {
		p.out.Unsure = append(p.out.Unsure, *groups[g])
	}
	// Kept checkpoint folders with nothing listed in them yet.
	filled := map[string]bool{}
	for i, e := range p.listed.Entries {
		if !e.Dir && p.canon[i] != "" {
			filled[path.Dir(p.canon[i])] = true
		}
	}
	for _, k := range sortedKeys(p.chks) {
		if c := p.chks[k]; c.kept && !filled[k] {
			p.out.Unsure = append(p.out.Unsure, Item{Path: c.shown, Dir: true, Reason: c.reason})
		}
	}
}
