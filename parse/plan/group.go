package plan

import (
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

// keptGroup is the kept files of one folder with one reason.
type keptGroup struct{ dir, reason string }

// tally is what the judging pass adds up: per folder and per kept group,
// never per file (but one bit: deletable or not).
type tally struct {
	folders   map[string]*folderStat
	kept      map[keptGroup]*Item
	keptOrder []keptGroup
	filled    map[string]bool   // chk-N folders with a file listed in them
	otherJobs map[string]string // job folders no snapshot was given for → as listed
	files     map[keptGroup]*fileGroup
	fileOrder []keptGroup
}

// judgeAll is the fourth phase, one pass: a verdict for every listed file,
// added up by folder, and each deletable file checked by the independent
// last check and listed in its group. Folders are the listed ones (never
// entropy-free spellings that may not exist).
func (p *planner) judgeAll(lc *lastChecker) {
	t := &p.tally
	t.folders, t.kept, t.filled, t.otherJobs = map[string]*folderStat{}, map[keptGroup]*Item{}, map[string]bool{}, map[string]string{}
	t.files = map[keptGroup]*fileGroup{}
	spelledDir := "\x00"
	p.read(func(_ int, e Entry) {
		if len(t.otherJobs) > 0 && e.Key != "" {
			spelledDir = p.spellOtherJobs(e, spelledDir)
		}
		if e.Dir {
			if e.Key != "" && paths.Under(e.Key, p.root) && e.Key != p.root {
				p.folderOf(e.Key, e.Path)
			}
			return
		}
		k := e.Key
		if k != "" {
			k = p.entropy.canonical(k)
		}
		pl := p.place(k)
		v := p.judgeFile(k, e, pl)
		p.count(e, v)
		switch v.state {
		case deletable:
			lc.check(e.Path)
			p.listDeletable(e, v)
		case kept:
			p.keepItem(e, v)
		}
		if k != "" {
			if _, known := t.otherJobs[pl.area.job]; pl.ok && p.jobs[pl.area.job] == nil && !known {
				t.otherJobs[pl.area.job] = ""
				spelledDir = p.spellOtherJobs(e, "\x00")
			}
			if d := paths.KeyDir(k); p.chks[d] != nil {
				t.filled[d] = true
			}
		}
		p.addToFolders(e, v)
	})
	p.blockProtected()
	p.dropGroupsInside()
}

func (p *planner) folderOf(k, shown string) *folderStat {
	d := p.tally.folders[k]
	if d == nil {
		d = &folderStat{shown: shown, reasons: map[string]bool{}}
		p.tally.folders[k] = d
	}
	return d
}

// addToFolders adds a file's verdict to every folder above it, up to the
// root.
func (p *planner) addToFolders(e Entry, v verdict) {
	if e.Key == "" {
		return
	}
	shown := e.Path
	for k := paths.KeyDir(e.Key); k != p.root && paths.Under(k, p.root) && k != "/" && k != "."; k = paths.KeyDir(k) {
		shown = paths.Parent(shown)
		d := p.folderOf(k, shown)
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

// keepItem adds a kept file to the group of its folder and reason.
func (p *planner) keepItem(e Entry, v verdict) {
	t := &p.tally
	g := keptGroup{paths.Parent(e.Path), v.reason}
	it := t.kept[g]
	if it == nil {
		it = &Item{Path: e.Path, Reason: v.reason}
		t.kept[g] = it
		t.keptOrder = append(t.keptOrder, g)
	} else {
		it.Path, it.Dir = g.dir, true
	}
	it.Files++
	it.Bytes += e.Bytes
}

// blockProtected keeps the folders that must stay even when nothing in them
// is needed, and every folder above a kept checkpoint folder.
func (p *planner) blockProtected() {
	folders := p.tally.folders
	block := func(k string) {
		for d := k; paths.Under(d, p.root) && d != "/" && d != "."; d = paths.KeyDir(d) {
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
	for k, ki := range p.keys {
		if ki.referenced {
			block(k)
		}
	}
}

// wholly reports whether listed folder k can be deleted whole: nothing in
// it is needed, and nothing will be written into it after the listing.
// A delete of a folder takes what is in it at delete time, so only a
// finished checkpoint's own chk-N folder (and what lies in it) qualifies:
// shared/, taskowned/, job folders and entropy segments take new files
// from running jobs, and their deletable files are listed one by one.
func (p *planner) wholly(k string) bool {
	d := p.tally.folders[k]
	return d != nil && !d.blocked && p.closed(k)
}

// closed reports whether folder key k is, or lies in, the chk-N folder of
// a checkpoint that is not kept.
func (p *planner) closed(k string) bool {
	for d := k; d != p.root && paths.Under(d, p.root) && d != "/" && d != "."; d = paths.KeyDir(d) {
		if c := p.chks[p.entropy.canonical(d)]; c != nil {
			return !c.kept
		}
	}
	return false
}

// group is the last phase: the verdicts become the plan's lists, whole
// folders first.
func (p *planner) group(lc *lastChecker) *Plan {
	out := &p.out
	out.Deletable, out.Unsure = []Item{}, []Item{}
	if out.Missing == nil {
		out.Missing = []Missing{}
	}
	if out.Refusals == nil {
		out.Refusals = []Refusal{}
	}
	var tops []string
	for k := range p.tally.folders {
		if p.wholly(k) && !p.wholly(paths.KeyDir(k)) {
			tops = append(tops, k)
		}
	}
	sort.Strings(tops)
	for _, k := range tops {
		d := p.tally.folders[k]
		out.Deletable = append(out.Deletable, Item{Path: d.shown, Dir: true, Files: d.files, Bytes: d.bytes, Reason: p.folderReason(k, d)})
		lc.check(d.shown)
		lc.checkFolder(d.shown)
	}
	p.listFiles()
	p.keptItems()
	return out
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
	t := &p.tally
	order := t.keptOrder
	sort.SliceStable(order, func(a, b int) bool { return t.kept[order[a]].Path < t.kept[order[b]].Path })
	for _, g := range order {
		p.out.Unsure = append(p.out.Unsure, *t.kept[g])
	}
	// Kept checkpoint folders with nothing listed in them yet.
	for _, k := range sortedKeys(p.chks) {
		if c := p.chks[k]; c.kept && !t.filled[k] {
			p.out.Unsure = append(p.out.Unsure, Item{Path: c.shown, Dir: true, Reason: c.reason})
		}
	}
}
