package plan

import (
	"hash/maphash"
	"path"
	"slices"
	"sort"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// The planner reads the listing in passes and keeps, between them, only
// what the plan needs: the referenced entries, per-folder figures, and,
// while surveying, 8 bytes per entry of one shard of the hash space (the
// hash of its key) to find keys listed twice and files that other entries
// lie under. A hash is only a suspicion: the next pass
// compares the suspects' keys themselves, so a collision neither hides a
// damaged listing nor refuses a sound one.

// survey is what the first pass learns.
type survey struct {
	entries   int                 // entries read (with keys listed twice)
	hashes    []uint64            // keyHash of the keyed entries of one shard, sorted after its read
	implied   map[uint64]struct{} // hashes of the folders above listed keys
	metaKeys  []string            // _metadata files in chk-N folders
	rootSet   bool
	firstPath string // the first keyed entry, which spells the root
	firstKey  string
	dupes     map[uint64]bool // hashes of keys perhaps listed twice
	holders   map[uint64]bool // hashes of files perhaps holding entries
}

// confirmed is what the second pass proves about the suspects.
type confirmed struct {
	firstOf    map[string]int  // a key listed twice → its first entry's number
	dirOf      map[string]bool // a key's own verdict on being a folder, when it differs from its entry's
	conflicts  []string
	extraDupes int
}

// keyHash is the compact form of a key: its hash with the lowest bit
// telling a folder (1) from a file (0).
func (p *planner) keyHash(k string, dir bool) uint64 {
	h := p.hash(k) &^ 1
	if dir {
		h |= 1
	}
	return h
}

// newKeyHash makes the hash of a plan's keys (tests collide it on purpose).
var newKeyHash = newHash

func newHash() func(string) uint64 {
	seed := maphash.MakeSeed()
	return func(s string) uint64 { return maphash.String(seed, s) }
}

// fingerprint sums what one pass read, to tell that every pass read the
// same listing.
type fingerprint struct {
	n   int
	sum uint64
}

// read runs fn over every entry of the listing, resolved, numbered from 0.
// Passes after the second skip a key's later listings and apply what the
// second pass proved about folders.
func (p *planner) read(fn func(i int, e Entry)) {
	i, fp := -1, fingerprint{}
	err, cut := p.listed.each(func(le listing.Entry) {
		i++
		fp.n++
		fp.sum += p.hash(le.Path) ^ uint64(le.Bytes)
		e := p.listed.resolve(le)
		if p.proven != nil && e.Key != "" {
			if first, twice := p.proven.firstOf[e.Key]; twice && first != i {
				return
			}
			if dir, ok := p.proven.dirOf[e.Key]; ok {
				e.Dir = dir
				if dir {
					e.Bytes = 0
				}
			}
		}
		fn(i, e)
	})
	if err != nil && p.readErr == nil {
		p.readErr = err
	}
	p.cut = p.cut || cut
	if p.print == (fingerprint{}) {
		p.print = fp
	} else if fp != p.print {
		p.changed = true
	}
}

// refuseChanged refuses a plan whose passes read different listings (a
// listing file rewritten while it was planned).
func (p *planner) refuseChanged() {
	if p.changed {
		p.refuse(RefuseListingChanged, "the listing changed while ckptlens read it (it is read more than once): plan from a listing that is complete and no longer written.")
	}
}

// readListing is the first phase: resolve the listing, find the folder it
// covers, and refuse a listing that cannot be read whole.
func (p *planner) readListing(src listing.Source) {
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
		p.listed = NewListed(src, p.opts.Prefix, referenced)
		p.listed.looked, p.listed.known = nil, nil // no Find follows
	}
	p.surveyListing()
	p.out.Listing = ListingSummary{Format: p.listed.Format, Prefix: p.listed.Prefix, Entries: p.sv.entries, HasTimes: p.listed.Format.HasTimes()}
	if err := p.opts.ListingError; err != nil || p.readErr != nil {
		if err == nil {
			err = p.readErr
		}
		p.refuse(RefuseListingUnreadable, "the listing has a line ckptlens cannot read ("+err.Error()+
			"): a plan from part of a listing would call the rest's files missing or deletable. Fix or regenerate the listing.")
	}
	if p.cut {
		p.refuse(RefuseListingCut, "the listing's last line has no newline: it was probably cut short (a pipe closed early, or a copy of a listing still being written), and its last path may be cut too. List again and let the listing finish.")
	}
}

func (p *planner) refuse(code, message string) {
	p.out.Refusals = append(p.out.Refusals, Refusal{Code: code, Message: message})
}

// hashBudget bounds the hashes one read holds: a longer listing is
// surveyed in shards of the hash space, one read each, so a 100 M-line
// listing needs 800 MB of hashes in 13 reads of 64 MB, not at once.
var hashBudget = 64 << 20

// surveyListing is the first phase's reads: count, remember the folders
// above the keys and the _metadata files, and find which keys' hashes are
// listed twice or lie above other entries.
func (p *planner) surveyListing() {
	sv := &p.sv
	sv.implied, sv.dupes, sv.holders = map[uint64]struct{}{}, map[uint64]bool{}, map[uint64]bool{}
	shards := max(1, (p.listed.entries*8+hashBudget-1)/hashBudget)
	for shard := range shards {
		sv.hashes = make([]uint64, 0, p.listed.entries/shards+p.listed.entries/(16*shards)+16)
		p.surveyShard(shard, shards)
		sv.suspect()
	}
	sv.hashes = nil
}

// surveyShard reads the listing once, keeping the hashes of one shard; the
// first read also learns what the later ones need not.
func (p *planner) surveyShard(shard, shards int) {
	sv := &p.sv
	lastDir := "\x00"
	p.read(func(_ int, e Entry) {
		if shard == 0 {
			sv.entries++
		}
		if e.Key == "" {
			return
		}
		if h := p.keyHash(e.Key, e.Dir); int((h>>1)%uint64(shards)) == shard {
			sv.hashes = append(sv.hashes, h)
		}
		if shard > 0 {
			return
		}
		if !sv.rootSet {
			sv.rootSet, sv.firstPath, sv.firstKey = true, e.Path, e.Key
		}
		if d := paths.KeyDir(e.Key); d != lastDir {
			lastDir = d
			// Every folder up to the top: a colliding hash must not cut the walk.
			for ; d != "/" && d != "."; d = paths.KeyDir(d) {
				sv.implied[p.hash(d)&^1] = struct{}{}
			}
		}
		if !e.Dir && path.Base(e.Key) == paths.MetadataName && paths.IsChkDir(path.Base(paths.KeyDir(e.Key))) {
			sv.metaKeys = append(sv.metaKeys, e.Key)
		}
	})
}

// suspect sorts a shard's hashes and notes the suspects: keys perhaps
// listed twice, files perhaps holding entries.
func (sv *survey) suspect() {
	slices.Sort(sv.hashes)
	for i, h := range sv.hashes {
		if i > 0 && sv.hashes[i-1]&^1 == h&^1 {
			sv.dupes[h&^1] = true
		}
		if _, under := sv.implied[h]; h&1 == 0 && under {
			sv.holders[h] = true
		}
	}
}

// foldRoot narrows the root to the common folder of every placed entry: a
// file's folder, a folder itself. The order does not matter.
func (p *planner) foldRoot(k string, dir bool) {
	if !dir {
		k = paths.KeyDir(k)
	}
	if !p.rootFolded {
		p.root, p.rootFolded = k, true
		return
	}
	for !paths.Under(k, p.root) && p.root != "/" && p.root != "." {
		p.root = paths.KeyDir(p.root)
	}
}

// setRoot finds the root in the second pass, once it is known which files
// are folders (those the second pass proved entries lie under), and how the
// listing spells it.
func (p *planner) setRoot(s *suspects) {
	for k := range s.files {
		p.foldRoot(k, p.proven.dirOf[k])
	}
	p.out.Listing.Root = p.root
	if p.sv.rootSet && paths.Under(p.sv.firstKey, p.root) {
		p.out.Listing.Root = paths.WrittenPrefix(p.sv.firstPath, p.root)
	}
}

// suspects gathers, in the second pass, the exact keys behind suspicious
// hashes; prove decides them after it.
type suspects struct {
	seen     map[string]*seenKey // keys whose hash was listed twice
	files    map[string]holder   // files whose hash some entry lies under
	holding  map[string]bool     // folders above entries whose hash is a suspect file's
	lastDir  string
	conflict []Entry // later listings of a key with the other kind, in listing order
}

// holder is a file that entries may lie under.
type holder struct {
	i    int
	path string
}

type seenKey struct {
	first, n int
	dir      bool
}

func (s *suspects) note(p *planner, i int, e Entry) {
	h := p.hash(e.Key) &^ 1
	if p.sv.dupes[h] {
		if k := s.seen[e.Key]; k == nil {
			s.seen[e.Key] = &seenKey{first: i, n: 1, dir: e.Dir}
		} else {
			k.n++
			if k.dir != e.Dir {
				s.conflict = append(s.conflict, e)
			}
		}
	}
	if len(p.sv.holders) == 0 {
		return
	}
	if _, have := s.files[e.Key]; !e.Dir && p.sv.holders[h] && !have {
		s.files[e.Key] = holder{i, e.Path}
	}
	if d := paths.KeyDir(e.Key); d != s.lastDir {
		s.lastDir = d
		for ; d != "/" && d != "."; d = paths.KeyDir(d) {
			if p.sv.holders[p.hash(d)&^1] {
				s.holding[d] = true
			}
		}
	}
}

// prove turns the suspects into facts: keys listed twice (the first
// listing counts; a file listed again as a folder is judged as a file), and
// files that entries lie under (a listing cut right after a folder's name;
// in find's listings, a folder printed before its contents).
func prove(s *suspects, find bool) *confirmed {
	c := &confirmed{firstOf: map[string]int{}, dirOf: map[string]bool{}}
	for k, sk := range s.seen {
		if sk.n > 1 {
			c.firstOf[k] = sk.first
			c.extraDupes += sk.n - 1
		}
	}
	for _, e := range s.conflict {
		c.conflicts = append(c.conflicts, e.Path)
		c.dirOf[e.Key] = false // judged as a file: never deleted as a folder
	}
	var holders []string
	for k := range s.files {
		if s.holding[k] {
			holders = append(holders, k)
		}
	}
	sort.Slice(holders, func(a, b int) bool { return s.files[holders[a]].i < s.files[holders[b]].i })
	for _, k := range holders {
		c.dirOf[k] = true // judged as a folder: its entries decide
		if !find {
			c.conflicts = append(c.conflicts, s.files[k].path)
		}
	}
	return c
}

// collect is the second pass: prove the suspects, and keep the entries the
// snapshots reference, the chk-N folders of their jobs and the objects of
// their SlateDB databases.
func (p *planner) collect() {
	s := &suspects{seen: map[string]*seenKey{}, files: map[string]holder{}, holding: map[string]bool{}, lastDir: "\x00"}
	p.chks = map[string]*chkFolder{}
	jobs := p.candidateJobs()
	p.read(func(i int, e Entry) {
		if e.Key == "" {
			return
		}
		s.note(p, i, e)
		if _, held := s.files[e.Key]; !held || e.Dir {
			p.foldRoot(e.Key, e.Dir)
		}
		k := p.entropy.canonical(e.Key)
		if ki := p.keys[k]; ki != nil && !ki.listed {
			ki.listed, ki.listedDir, ki.listedBytes = true, e.Dir, e.Bytes
			if !e.Modified.IsZero() {
				ki.modified, ki.hasTime = e.Modified.UnixNano(), true
			}
		}
		p.noteChk(k, e, jobs)
		p.noteSlateDB(k, e)
	})
	p.proven = prove(s, isFind(p.listed.Format))
	p.setRoot(s)
	p.out.Listing.Entries = p.sv.entries - p.proven.extraDupes
	if n := len(p.proven.conflicts); n > 0 {
		p.refuse(RefuseFileAndFolder, plural(n, "path")+" listed both as a file and as a folder ("+first(p.proven.conflicts)+
			"): the listing is damaged or was cut in the middle of a line. List again.")
	}
}
