package plan

import (
	"path"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// Listed is a listing resolved into the snapshots' namespace: every entry
// with its matching key.
type Listed struct {
	Format  listing.Format
	Prefix  string // what relative entries were resolved against
	Entries []Entry
	byKey   map[string]int
	// conflicts are keys listed both as a file and as a folder.
	conflicts []string
}

// Entry is one listed file or folder.
type Entry struct {
	Path     string // as listed (resolved against the prefix when relative)
	Key      string // "" when a relative entry could not be resolved
	Bytes    int64
	Dir      bool
	Modified time.Time
}

// NewListed resolves a listing. prefix resolves relative entries; when ""
// it is inferred from referenced, the absolute paths the snapshots
// reference.
func NewListed(l *listing.Listing, prefix string, referenced []string) *Listed {
	lf := &Listed{Format: l.Format, Prefix: prefix, byKey: make(map[string]int, len(l.Entries))}
	if prefix == "" {
		lf.Prefix = inferPrefix(l, referenced)
	}
	for _, e := range l.Entries {
		lf.add(e)
	}
	lf.findFilesHoldingEntries()
	return lf
}

// findFilesHoldingEntries records listed files that other entries lie
// under: a file that is also a folder (a listing without folder lines, cut
// right after a folder's name).
func (lf *Listed) findFilesHoldingEntries() {
	for _, e := range lf.Entries {
		for d := path.Dir(e.Key); e.Key != "" && d != "/" && d != "."; d = path.Dir(d) {
			if i, ok := lf.byKey[d]; ok {
				if !lf.Entries[i].Dir {
					lf.conflicts = append(lf.conflicts, lf.Entries[i].Path)
					lf.Entries[i].Dir = true // judged as a folder: its entries decide
				}
				break
			}
		}
	}
}

func (lf *Listed) add(e listing.Entry) {
	p, key := e.Path, ""
	if e.Relative {
		switch rel := strings.TrimPrefix(path.Clean(e.Path), "/"); {
		case lf.Prefix == "":
		case rel == ".": // the listed folder itself (find .)
			p = strings.TrimRight(lf.Prefix, "/")
			key = paths.Key(p)
		default:
			p = paths.Join(lf.Prefix, rel)
			key = paths.Key(p)
		}
	} else {
		key = paths.Key(p)
	}
	if key == "." {
		key = paths.Key(lf.Prefix)
	}
	// find prints an empty folder like an empty file: Flink's folder names
	// are folders.
	dir := e.Dir || isFind(lf.Format) && isFlinkFolderName(paths.Base(p))
	le := Entry{Path: strings.TrimRight(p, "/"), Key: key, Bytes: e.Bytes, Dir: dir, Modified: e.Modified}
	if dir {
		le.Bytes = 0
	}
	if key != "" {
		if i, dup := lf.byKey[key]; dup {
			if lf.Entries[i].Dir != dir {
				lf.conflicts = append(lf.conflicts, le.Path)
				lf.Entries[i].Dir = false // judged as a file: never deleted as a folder
			}
			return
		}
		lf.byKey[key] = len(lf.Entries)
	}
	lf.Entries = append(lf.Entries, le)
}

func isFind(f listing.Format) bool {
	return f == listing.FormatFind || f == listing.FormatFindTimes
}

// Lookup finds the listed entry of a key.
func (lf *Listed) Lookup(key string) (Entry, bool) {
	if key == "" {
		return Entry{}, false
	}
	i, ok := lf.byKey[key]
	if !ok {
		return Entry{}, false
	}
	return lf.Entries[i], true
}

// isFlinkFolderName tells folders that find prints like empty files.
func isFlinkFolderName(name string) bool {
	return paths.IsChkDir(name) || name == paths.SharedDir || name == paths.TaskOwnedDir
}

// inferPrefix finds what relative listing entries are relative to: the part
// of a referenced path in front of a listed relative path.
func inferPrefix(l *listing.Listing, referenced []string) string {
	rel := map[string]bool{}
	for _, e := range l.Entries {
		if e.Relative && !e.Dir {
			rel[strings.TrimPrefix(path.Clean(e.Path), "/")] = true
		}
	}
	if len(rel) == 0 {
		return ""
	}
	for _, p := range referenced {
		for i := len(p) - 1; i > 0; i-- {
			if p[i] == '/' && rel[p[i+1:]] {
				return p[:i+1]
			}
		}
	}
	return ""
}

// readListing is the first phase: resolve the listing, find the folder it
// covers, and refuse a listing that cannot be read whole.
func (p *planner) readListing(l *listing.Listing) {
	p.listed = p.opts.Listed
	if p.listed == nil {
		var referenced []string
		for _, s := range p.snaps {
			for _, f := range s.Files {
				if !f.Relative && paths.IsAbsolute(f.Path) {
					referenced = append(referenced, f.Path)
				}
			}
		}
		p.listed = NewListed(l, p.opts.Prefix, referenced)
	}
	p.out.Listing = ListingSummary{Format: l.Format, Prefix: p.listed.Prefix, Entries: len(p.listed.Entries), HasTimes: l.HasTimes()}
	if p.opts.ListingError != nil {
		p.refuse(RefuseListingUnreadable, "the listing has a line ckptlens cannot read ("+p.opts.ListingError.Error()+
			"): a plan from part of a listing would call the rest's files missing or deletable. Fix or regenerate the listing.")
	}
	if l.Unterminated {
		p.refuse(RefuseListingCut, "the listing's last line has no newline: it was probably cut short (a pipe closed early, or a copy of a listing still being written), and its last path may be cut too. List again and let the listing finish.")
	}
	if n := len(p.listed.conflicts); n > 0 {
		p.refuse(RefuseFileAndFolder, plural(n, "path")+" listed both as a file and as a folder ("+first(p.listed.conflicts)+
			"): the listing is damaged or was cut in the middle of a line. List again.")
	}
	p.root = listedRoot(p.listed)
	p.out.Listing.Root = p.shown(p.root)
}

// listedRoot is the key of the common folder of every placed entry.
func listedRoot(lf *Listed) string {
	root, first := "", true
	for _, e := range lf.Entries {
		if e.Key == "" {
			continue
		}
		k := e.Key
		if !e.Dir {
			k = path.Dir(k)
		}
		if first {
			root, first = k, false
			continue
		}
		for !paths.Under(k, root) && root != "/" && root != "." {
			root = path.Dir(root)
		}
	}
	return root
}

// shown spells folder key k as the listing writes it.
func (p *planner) shown(k string) string {
	for _, e := range p.listed.Entries {
		if e.Key != "" && paths.Under(e.Key, k) {
			return paths.WrittenPrefix(e.Path, k)
		}
	}
	return k
}

func (p *planner) refuse(code, message string) {
	p.out.Refusals = append(p.out.Refusals, Refusal{Code: code, Message: message})
}
