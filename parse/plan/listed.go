package plan

import (
	"path"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// Listed is a listing resolved into the snapshots' namespace. It holds no
// entries: each question re-reads the listing (a listing.Source), so memory
// does not grow with the listing's length.
type Listed struct {
	Format listing.Format
	Prefix string // what relative entries were resolved against
	src    listing.Source
	// metas are the listed _metadata files, for placing snapshots read away
	// from their folder.
	metas   []Entry
	entries int // in the last read
	// looked are the keys of the referenced paths NewListed was given, and
	// known those of them listed: the first Find of them needs no read.
	looked map[string]bool
	known  map[string]Entry
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
// reference. It reads the listing once (more while inferring a prefix).
func NewListed(src listing.Source, prefix string, referenced []string) *Listed {
	lf := &Listed{Prefix: prefix, src: src, looked: map[string]bool{}}
	for _, p := range referenced {
		lf.looked[paths.Key(p)] = true
	}
	relative := lf.readMetadata(prefix == "")
	if prefix == "" && relative {
		lf.Prefix = inferPrefix(src, referenced)
		if lf.Prefix != "" {
			lf.readMetadata(false)
		}
	}
	return lf
}

// readMetadata collects the listed _metadata files and the format; it
// reports whether any file entry is relative.
func (lf *Listed) readMetadata(noteRelative bool) (relative bool) {
	lf.metas, lf.known, lf.entries = nil, map[string]Entry{}, 0
	seen := map[string]bool{}
	lf.each(func(e listing.Entry) {
		lf.entries++
		relative = relative || noteRelative && e.Relative && !e.Dir
		le := lf.resolve(e)
		if _, have := lf.known[le.Key]; lf.looked[le.Key] && !have {
			lf.known[le.Key] = Entry{Key: le.Key, Bytes: le.Bytes, Dir: le.Dir, Modified: le.Modified}
		}
		if path.Base(e.Path) == paths.MetadataName && !e.Dir && le.Key != "" && !seen[le.Key] {
			seen[le.Key] = true
			le.Path, le.Key = strings.Clone(le.Path), strings.Clone(le.Key)
			lf.metas = append(lf.metas, le)
		}
	})
	return relative
}

// each reads the listing once, entry by entry, and returns the stream's
// error and whether its last line was cut.
func (lf *Listed) each(fn func(listing.Entry)) (err error, cut bool) {
	st, err := lf.src.Open()
	if err != nil {
		return err, false
	}
	defer st.Close()
	for st.Next() {
		fn(st.Entry())
	}
	if f := st.Format(); f != "" {
		lf.Format = f
	}
	if c, ok := st.(listing.Cut); ok {
		cut = c.Unterminated()
	}
	return st.Err(), cut
}

// Metadata are the listed _metadata files.
func (lf *Listed) Metadata() []Entry { return lf.metas }

// Find looks keys up in one read of the listing: the size, kind and time of
// the first entry of each, by key (without its Path: a path holds its whole
// listing line, and a snapshot names hundreds of thousands of keys).
func (lf *Listed) Find(keys []string) map[string]Entry {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k != "" {
			want[k] = true
		}
	}
	found := make(map[string]Entry, len(want))
	if len(want) == 0 {
		return found
	}
	if lf.answers(want) {
		for k := range want {
			if e, ok := lf.known[k]; ok {
				found[k] = e
			}
		}
		lf.looked, lf.known = nil, nil // asked once: Analyze's physical sizes
		return found
	}
	lf.each(func(e listing.Entry) {
		le := lf.resolve(e)
		if _, seen := found[le.Key]; want[le.Key] && !seen {
			found[le.Key] = Entry{Key: le.Key, Bytes: le.Bytes, Dir: le.Dir, Modified: le.Modified}
		}
	})
	return found
}

// answers reports whether the keys NewListed looked up cover want.
func (lf *Listed) answers(want map[string]bool) bool {
	if lf.looked == nil {
		return false
	}
	for k := range want {
		if !lf.looked[k] {
			return false
		}
	}
	return true
}

// resolve places one listed entry in the snapshots' namespace.
func (lf *Listed) resolve(e listing.Entry) Entry {
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
	return le
}

func isFind(f listing.Format) bool {
	return f == listing.FormatFind || f == listing.FormatFindTimes
}

// isFlinkFolderName tells folders that find prints like empty files.
func isFlinkFolderName(name string) bool {
	return paths.IsChkDir(name) || name == paths.SharedDir || name == paths.TaskOwnedDir
}

// inferPrefix finds what relative listing entries are relative to: the part
// of a referenced path in front of a listed relative path. The first
// referenced path that has one decides, at its shortest listed tail. The
// referenced paths are tried in batches, each one read of the listing, so
// that only a batch's tails are held.
func inferPrefix(src listing.Source, referenced []string) string {
	lf := &Listed{src: src}
	for from, n := 0, 1; from < len(referenced); from, n = from+n, n*8 {
		batch := referenced[from:min(from+n, len(referenced))]
		tails := map[string]int{} // tail → its position in the batch, by preference
		var at []int
		for bi, p := range batch {
			for i := len(p) - 1; i > 0; i-- {
				if p[i] == '/' {
					if _, have := tails[p[i+1:]]; !have {
						tails[p[i+1:]] = len(at)
						at = append(at, bi<<32|i)
					}
				}
			}
		}
		best := -1
		lf.each(func(e listing.Entry) {
			if e.Relative && !e.Dir {
				if t, ok := tails[strings.TrimPrefix(path.Clean(e.Path), "/")]; ok && (best < 0 || t < best) {
					best = t
				}
			}
		})
		if best >= 0 {
			p := batch[at[best]>>32]
			return p[:at[best]&(1<<32-1)+1]
		}
	}
	return ""
}
