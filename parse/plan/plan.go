// Package plan decides what a storage listing holds that none of the given
// snapshots needs, and refuses when it cannot prove it.
//
// The plan is made in phases, one method each: read the listing, place the
// snapshots in it, protect what they and any running writer may still need,
// judge every unprotected file, and group the verdicts. An independent last
// check (lastcheck.go), which shares no matching code with the phases,
// re-checks every deletable path against every referenced path before the
// plan is handed out. Whenever a phase cannot prove what it needs (a snapshot
// missing from the listing, a listing cut short, a base that contradicts the
// snapshot) the plan is refused: it lists nothing as deletable and says what
// to fix.
package plan

import (
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
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
	// made it: the planner then does not index it again.
	Listed *Listed
}

// Snapshot is what the planner needs of one given snapshot.
type Snapshot struct {
	Label        string
	Format       model.Format
	Source       string // what it was read from
	Dir          string // its own folder (chk-N, savepoint, database root); "" when unknown
	DirFrom      string // how Dir was found: "base", "read-path", "absolute-paths", "listing"
	Kind         string // model.KindCheckpoint, model.KindSavepoint, "database" or "folder"
	JobDir       string // the job's checkpoint folder, for checkpoints
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
	Path   string `json:"path"` // as listed
	Dir    bool   `json:"dir,omitempty"`
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

// Make plans the listing against the given snapshots.
func Make(snaps []Snapshot, l *listing.Listing, opts Options) *Plan {
	if opts.Margin <= 0 {
		opts.Margin = DefaultMargin
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	snaps = withoutSupersededPins(snaps, opts.Now)
	p := &planner{snaps: snaps, opts: opts}
	p.readListing(l)
	p.placeSnapshots()
	p.protect()
	p.judge()
	out := p.group()
	out.Unknowns = append([]string{}, p.unknowns(out)...)
	if len(out.Refusals) > 0 {
		withdraw(out, "")
		return out
	}
	if hits := lastCheck(snaps, p.protectedFolders(), out.Deletable); len(hits) > 0 {
		out.LastCheck = hits
		out.Refusals = append(out.Refusals, Refusal{RefuseLastCheck, "the independent last check found " +
			plural(len(hits), "deletable path") + " that a given snapshot needs (" + first(hits) +
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

	listed   *Listed
	root     string // key of the folder holding every listed path
	entropy  entropyRules
	refs     map[string]*reference // referenced keys, entropy removed
	jobs     map[string]*job       // given jobs by folder key
	ownDirs  map[string]string     // given snapshots' own folders: key → as written
	canon    []string              // listed entries' keys, entropy removed
	byCanon  map[string]int        // canon → entry
	chks     map[string]*chkFolder // listed chk-N folders of given jobs
	slate    map[string]*slateDB   // given SlateDB databases by root key
	verdicts []verdict             // parallel to listed.entries
}

// reference is one referenced key.
type reference struct {
	path      string // as the snapshot writes it, resolved
	bytes     int64
	snapshots []int
}

// Location is the item's path as listed, a folder's ending in "/".
func (it Item) Location() string {
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
	for _, it := range p.Deletable {
		b.WriteString(it.Location())
		b.WriteByte('\n')
	}
	return b.String()
}
