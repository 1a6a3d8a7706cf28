// Package plan decides what a storage listing holds that none of the given
// snapshots needs, and refuses when it cannot prove it.
//
// The plan is made in phases, one method each: read the listing, place the
// snapshots in it, protect what they and any running writer may still need,
// judge every file, and group the verdicts. The listing (a listing.Source)
// is read again by each phase that needs it, never held (scan.go). An
// independent last check (lastcheck.go), which shares no matching code with
// the phases, re-checks every deletable path against every referenced path
// as it is judged, before the plan is handed out. Whenever a phase cannot prove what it needs (a snapshot
// missing from the listing, a listing cut short, a base that contradicts the
// snapshot) the plan is refused: it lists nothing as deletable and says what
// to fix.
package plan

import (
	"io"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
)

// DefaultMargin is how long before the newest given checkpoint's _metadata
// was written a file must have been written to be planned: it covers clock
// skew between writers and the storage, and checkpoints that run
// concurrently with the newest one.
const DefaultMargin = 15 * time.Minute

// Options tune a plan.
type Options struct {
	// Prefix is what relative listing entries are relative to (aws s3 ls
	// prints keys without the bucket); inferred from the snapshots when "".
	Prefix string
	// EntropyKey is the s3.entropy.key the jobs were configured with. Entropy
	// segments are learned from the snapshots' own paths either way; with
	// the key they are also learned from the listing alone.
	EntropyKey string
	// Stopped states that the jobs (or SlateDB's writer and compactor) are
	// stopped: only then are shared, task-owned, file-merging, changelog and
	// ForSt files planned from a listing without modification times.
	Stopped bool
	// Margin is subtracted from the newest given _metadata's time; files
	// written after that are kept. DefaultMargin when zero.
	Margin time.Duration
	// Now decides which SlateDB checkpoints have expired; the current time
	// when zero.
	Now time.Time
	// ListingError is why the listing could not be read whole, if it could
	// not: the plan is then refused.
	ListingError error
	// Listed is the listing already resolved (NewListed), when the caller
	// made it: the planner then does not resolve its prefix again.
	Listed *Listed
	// Spool holds the paths of deletable files the plan counts in groups
	// (see Item.Group); in memory when nil. The CLI spools to a file.
	Spool Spool
}

// Snapshot is what the planner needs of one given snapshot.
type Snapshot struct {
	Label  string
	Format model.Format
	Source string // what it was read from
	// Location is its own folder (chk-N, savepoint, database root; Dir ""
	// when unknown), how that was found, its kind and its job's folder.
	location.Location
	CheckpointID int64
	// Partial is set when the snapshot could not be decoded completely: it
	// names only some of its files.
	Partial bool
	Files   []File
	// Model is the decoded snapshot (SlateDB's garbage collection reads its
	// manifest).
	Model *model.Snapshot
}

// File is one file a snapshot references.
type File struct {
	Path     string // resolved against the snapshot's folder when relative
	Relative bool   // still relative: the snapshot's folder is unknown
	Resolved bool   // written relative, resolved against the snapshot's folder
	Bytes    int64
	Kind     model.FileKind
}

// Plan is what a listing holds that none of the given snapshots references,
// split into what is safe to delete and what is kept, with why.
type Plan struct {
	Listing ListingSummary `json:"listing"`
	// Refusals, when there are any, say why no plan could be proven: then
	// nothing is deletable.
	Refusals []Refusal `json:"refusals"`
	// Deletable are the largest folders nothing in which is needed, then
	// single files, each with why.
	Deletable      []Item `json:"deletable"`
	DeletableFiles int    `json:"deletableFiles"`
	DeletableBytes int64  `json:"deletableBytes"`
	// Unsure are unreferenced files that are kept: a running writer, a newer
	// checkpoint or a job none of the given snapshots belongs to may need them.
	Unsure      []Item `json:"unsure"`
	UnsureFiles int    `json:"unsureFiles"`
	UnsureBytes int64  `json:"unsureBytes"`
	// ReferencedFiles/Bytes are listed files a given snapshot needs.
	ReferencedFiles int   `json:"referencedFiles"`
	ReferencedBytes int64 `json:"referencedBytes"`
	// Missing are referenced files inside the listed folder that the
	// listing does not hold.
	Missing []Missing `json:"missing"`
	// Unknowns says, in words, what the plan cannot know.
	Unknowns []string `json:"unknowns"`
	// LastCheck lists the deletable paths the independent last check found
	// needed: a bug in the planner. The plan is then withdrawn.
	LastCheck []string `json:"lastCheck,omitempty"`

	spool    Spool // the paths of Group items
	spoolErr error
	dropped  map[int]bool // groups of the spool left out
}

// Refusal is one reason no plan can be proven.
type Refusal struct {
	Code    string `json:"code"`    // stable, for scripts
	Message string `json:"message"` // what is wrong and what to do, in words
}

// Refusal codes.
const (
	RefuseListingUnreadable = "listing-unreadable"
	RefuseListingCut        = "listing-cut"
	RefuseFileAndFolder     = "file-and-folder"
	RefusePartialSnapshot   = "snapshot-partial"
	RefuseUnplaced          = "snapshot-unplaced"
	RefuseMetadataNotListed = "metadata-not-listed"
	RefuseFilesNotListed    = "files-not-listed"
	RefuseBaseContradicts   = "base-contradicts"
	RefuseLastCheck         = "last-check"
	RefuseListingChanged    = "listing-changed"
)

// Refused reports whether the plan was refused (including by the last check).
func (p *Plan) Refused() bool { return len(p.Refusals) > 0 }

// ListingSummary describes the listing the plan was made from.
type ListingSummary struct {
	Format   listing.Format `json:"format"`
	Root     string         `json:"root"`             // the folder holding every listed path
	Prefix   string         `json:"prefix,omitempty"` // what relative entries were resolved against
	Entries  int            `json:"entries"`
	Files    int            `json:"files"`
	Bytes    int64          `json:"bytes"`
	HasTimes bool           `json:"hasTimes"`
}

// Item is a folder or file of the plan.
type Item struct {
	Path string `json:"path"` // as listed
	Dir  bool   `json:"dir,omitempty"`
	// Group is set on an item that counts the deletable files of folder
	// Path with one reason, too many to list one by one: the folder itself
	// is not deletable, and DeletableList names each file.
	Group  bool   `json:"group,omitempty"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	Reason string `json:"reason"`
}

// Missing is a referenced file the listing lacks.
type Missing struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Snapshots []int  `json:"snapshots"`
}

// Make plans the listing against the given snapshots. It reads the
// listing several times, holding what is referenced and each folder's
// figures, never the listing's entries.
func Make(snaps []Snapshot, src listing.Source, opts Options) *Plan {
	if opts.Margin <= 0 {
		opts.Margin = DefaultMargin
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Spool == nil {
		opts.Spool = &memorySpool{}
	}
	snaps = withoutSupersededPins(snaps, opts.Now)
	p := &planner{snaps: snaps, opts: opts, hash: newKeyHash(), otherDBs: map[string]bool{}}
	p.out.spool = opts.Spool
	p.readListing(src)
	p.learnEntropy()
	p.slate = p.slateDBs()
	p.keys = p.wantedKeys()
	p.collect()
	p.placeSnapshots()
	p.protect()
	lc := newLastChecker(snaps, p.protectedFolders())
	p.judgeAll(lc)
	out := p.group(lc)
	p.refuseChanged()
	out.spoolErr = p.spoolErr
	out.Unknowns = append([]string{}, p.unknowns(out)...)
	if len(out.Refusals) > 0 {
		withdraw(out, "")
		return out
	}
	if hits := lc.found(); len(hits) > 0 {
		out.LastCheck = hits
		out.Refusals = append(out.Refusals, Refusal{RefuseLastCheck, "the independent last check found " +
			plural(len(hits), "deletable path") + " that a given snapshot needs, or a folder to delete whole that jobs may still write into (" + first(hits) +
			"). This is a bug in ckptlens: nothing is planned. Please report it with the listing and the snapshots."})
		withdraw(out, "")
	}
	return out
}

// withdraw moves every deletable item to the kept ones: a refused plan
// deletes nothing.
func withdraw(out *Plan, why string) {
	for _, it := range out.Deletable {
		if why != "" {
			it.Reason = why + " (" + it.Reason + ")"
		}
		out.Unsure = append(out.Unsure, it)
	}
	out.UnsureFiles += out.DeletableFiles
	out.UnsureBytes += out.DeletableBytes
	out.Deletable, out.DeletableFiles, out.DeletableBytes = []Item{}, 0, 0
}

// planner carries the phases' results from one to the next.
type planner struct {
	snaps []Snapshot
	opts  Options
	out   Plan

	listed  *Listed
	hash    func(string) uint64
	sv      survey     // the first pass's
	proven  *confirmed // the second pass's
	tally   tally      // the judging pass's
	readErr error      // the listing's, from a pass
	cut     bool       // the listing's last line had no newline
	changed bool       // a pass read another listing than the first
	print   fingerprint

	root       string // key of the folder holding every listed path
	rootFolded bool
	entropy    entropyRules
	keys       map[string]*keyInfo   // canonical keys placing looks up, and those referenced
	jobs       map[string]*job       // given jobs by folder key
	ownDirs    map[string]string     // given snapshots' own folders: key → as written
	chks       map[string]*chkFolder // listed chk-N folders of given jobs
	slate      map[string]*slateDB   // given SlateDB databases by root key
	otherDBs   map[string]bool       // roots of listed SlateDB databases not given
	spoolErr   error
}

// keyInfo is what the plan knows of one canonical key a snapshot names:
// whether and how it is listed (its first listing), and whether it is
// referenced. One map holds both, once per key: a checkpoint references
// hundreds of thousands of files.
type keyInfo struct {
	listed      bool
	listedDir   bool
	hasTime     bool
	referenced  bool
	listedBytes int64
	modified    int64  // Unix nanoseconds, when hasTime
	path        string // as the snapshot writes it, resolved
	bytes       int64
	snapshots   []int
}

// Location is the item's path as listed, a folder's ending in "/", a
// group's files shown as "folder/*".
func (it Item) Location() string {
	if it.Group {
		return strings.TrimRight(it.Path, "/") + "/*"
	}
	if it.Dir && !strings.HasSuffix(it.Path, "/") {
		return it.Path + "/"
	}
	return it.Path
}

// DeletableList is every deletable folder and file of the plan, one
// Location a line: what a person who has reviewed the plan hands to their
// storage's delete command (a folder is meant whole). A refused plan has
// none.
func (p *Plan) DeletableList() string {
	var b strings.Builder
	p.WriteDeletable(&b)
	return b.String()
}

// EachDeletable calls fn with every deletable folder (dir) and file, each
// file of a group one by one, in DeletableList's order: what a delete
// command is made of. A refused plan has none.
func (p *Plan) EachDeletable(fn func(path string, dir bool)) error {
	if p.Refused() {
		return nil
	}
	grouped := false
	for _, it := range p.Deletable {
		if it.Group {
			grouped = true
			continue
		}
		fn(it.Path, it.Dir)
	}
	if !grouped {
		return nil
	}
	if p.spoolErr != nil {
		return p.spoolErr
	}
	return p.spool.Replay(&groupedPaths{w: lineFunc(func(path string) { fn(path, false) }), dropped: p.dropped})
}

// DeletablePaths is how many paths EachDeletable gives.
func (p *Plan) DeletablePaths() int {
	n := 0
	for _, it := range p.Deletable {
		if it.Group {
			n += it.Files
		} else {
			n++
		}
	}
	return n
}

// WriteDeletable writes DeletableList to w: the folders and files listed one
// by one, then the files of the groups. A refused plan writes nothing.
func (p *Plan) WriteDeletable(w io.Writer) error {
	var werr error
	err := p.EachDeletable(func(path string, dir bool) {
		if werr == nil {
			_, werr = io.WriteString(w, Item{Path: path, Dir: dir}.Location()+"\n")
		}
	})
	if werr != nil {
		return werr
	}
	return err
}
