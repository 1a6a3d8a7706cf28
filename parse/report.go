package parse

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/jobs"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// Input is one decoded snapshot and, where the user knows it, its base
// location: the folder that holds it (for example
// "s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab"). Base resolves
// relative handles and wins over every guess.
type Input struct {
	Snapshot *model.Snapshot
	Base     string
}

// Options tune Analyze.
type Options struct {
	// Listing, when given, is what storage holds; it adds physical sizes of
	// file-merging files and turns on the deletion plan.
	Listing *listing.Listing
	// ListingError is why the listing could not be read whole (the entries
	// before the bad line are in Listing): the plan is then refused.
	ListingError error
	// ListingPrefix resolves relative listing entries (aws s3 ls prints keys
	// without the bucket): for example "s3://bucket/". When empty it is
	// inferred from the snapshots' paths.
	ListingPrefix string
	// EntropyKey, Stopped and Margin are the plan's (package plan).
	EntropyKey string
	Stopped    bool
	Margin     time.Duration
	// Now decides which SlateDB checkpoints have expired; zero means the
	// current time.
	Now time.Time
}

// Report is everything the CLI prints and the page renders, self-contained
// and JSON-serialisable (share links carry it).
type Report struct {
	// Schema is ReportSchema in reports made by this version.
	Schema    string            `json:"schema,omitempty"`
	Snapshots []*SnapshotReport `json:"snapshots"`
	// Jobs groups the snapshots by job and links jobs through restores.
	Jobs       *jobs.Grouping `json:"jobs,omitempty"`
	Comparison *Comparison    `json:"comparison,omitempty"` // two or more snapshots
	Orphans    *OrphanPlan    `json:"orphans,omitempty"`    // when a listing was given
	// LeftOut is set in a report made for sharing whose long lists were
	// cut (ForSharing).
	LeftOut *LeftOut `json:"leftOut,omitempty"`
}

// SnapshotReport is one snapshot with its analysis. The embedded snapshot
// keeps every model field at the top level of its JSON.
type SnapshotReport struct {
	*model.Snapshot
	Location     Location     `json:"location"`
	Dependencies []Dependency `json:"dependencies"`
	// FileRefs is parallel to Files: where each file is, resolved, and
	// which dependency holds it.
	FileRefs []FileRef `json:"fileRefs"`
	Sizes    Sizes     `json:"sizes"`
	// FilesLeftOut counts the files a report made for sharing leaves out
	// of Files and FileRefs (ForSharing); Sizes still counts them.
	FilesLeftOut int `json:"filesLeftOut,omitempty"`
	// SlateDBDatabase is set when a SlateDB database folder was read
	// (InspectDatabase): its checkpoints' pins, parents and history.
	SlateDBDatabase *slatedb.DatabaseReport `json:"slatedbDatabase,omitempty"`
}

// Location is where a snapshot lives, as far as it can be known.
type Location struct {
	// Dir is the snapshot's own folder (its chk-N, savepoint folder or SlateDB
	// root), in the spelling it came from; "" when unknown.
	Dir string `json:"dir"`
	// From says how Dir was found: "base" (given by the user), "read-path"
	// (the folder it was read from), "absolute-paths" (the folder its own
	// absolute paths point to), "listing" (the listed folder holding a
	// _metadata of its size and all its relative files) or "" (unknown).
	From string `json:"from"`
	// Kind is "checkpoint" (a chk-N folder), "savepoint" (a savepoint
	// folder), "database" (a SlateDB root) or "folder" (anything else).
	Kind string `json:"kind,omitempty"`
	// JobDir is the job's checkpoint folder, the parent of chk-N, shared/
	// and taskowned/; "" for savepoints and when unknown.
	JobDir string `json:"jobDir,omitempty"`
	// ReadFrom is the folder the file was read from when that is a copy of
	// the snapshot's real folder (Dir then comes from its absolute paths).
	ReadFrom string `json:"readFrom,omitempty"`
}

// Role is what a dependency folder is to the snapshot.
type Role string

const (
	RoleExclusive       Role = "exclusive"        // its own chk-N or savepoint folder
	RoleShared          Role = "shared"           // the job's shared/ (incremental files)
	RoleTaskOwned       Role = "taskowned"        // the job's taskowned/
	RoleFileMerging     Role = "file-merging"     // physical files holding file-merging segments
	RoleOtherCheckpoint Role = "other-checkpoint" // another chk-M of the job, another job's or a savepoint's folder
	RoleChangelog       Role = "changelog"        // changelog (DSTL) files under the changelog storage path
	RoleForSt           Role = "forst"            // ForSt's working folder (shared/op_…__attempt_N/db/), the live database
	RoleExternal        Role = "external"         // absolute paths outside any checkpoint layout
	RoleRelative        Role = "relative"         // relative handles resolved against a folder that is not known to be the snapshot's
	RoleInline          Role = "inline"           // state stored inside the snapshot file itself
)

// roleOrder sorts dependencies from "most its own" to "least".
var roleOrder = map[Role]int{
	RoleExclusive: 0, RoleRelative: 1, RoleShared: 2, RoleFileMerging: 3, RoleTaskOwned: 4,
	RoleForSt: 5, RoleOtherCheckpoint: 6, RoleChangelog: 7, RoleExternal: 8, RoleInline: 9,
}

// Dependency is one folder a snapshot needs.
type Dependency struct {
	// Dir is the folder as written; relative handles are resolved against
	// the location, or "." (the folder of _metadata) when it is unknown.
	Dir   string `json:"dir"`
	Role  Role   `json:"role"`
	Files int    `json:"files"`
	// Bytes is the sum of the recorded sizes (for file merging: the bytes
	// used by segments). Files whose writer did not record a size count in
	// UnknownSizeFiles and not here.
	Bytes            int64            `json:"bytes"`
	UnknownSizeFiles int              `json:"unknownSizeFiles,omitempty"`
	Segments         int              `json:"segments,omitempty"`
	Kinds            []model.FileKind `json:"kinds,omitempty"`
	// Checkpoint names the chk-N or savepoint folder the dependency belongs
	// to, when it is one ("chk-41").
	Checkpoint string `json:"checkpoint,omitempty"`
	// PhysicalBytes and ListedFiles are the sizes the listing gives for
	// these files (set only with a listing); for file merging this is the
	// physical file size to compare with the bytes used.
	ListedFiles   int   `json:"listedFiles,omitempty"`
	PhysicalBytes int64 `json:"physicalBytes,omitempty"`
}

// FileRef places one model.File.
type FileRef struct {
	// Path is the file's path resolved (relative handles joined to the
	// location), as written otherwise. JSON leaves it out when it is the
	// file's own path (see SnapshotReport.MarshalJSON).
	Path       string `json:"path,omitempty"`
	Dependency int    `json:"dependency"` // index into Dependencies
	Role       Role   `json:"role"`
	key        string // pathKey(Path); "" when it cannot be placed
}

// Sizes are a snapshot's sizes in its format's own terms.
type Sizes struct {
	// Full and Checkpointed are, for Flink, the sums of OperatorState
	// getStateSize and getCheckpointedSize: the UI's "Full Checkpoint Data
	// Size" and "Checkpointed Data Size". For formats without operators,
	// Full is the referenced bytes and Checkpointed is -1 (not defined).
	Full         int64 `json:"full"`
	Checkpointed int64 `json:"checkpointed"`
	// Inline is the state stored inside the snapshot file.
	Inline int64 `json:"inline"`
	// Files and FileBytes count every referenced file once.
	Files            int            `json:"files"`
	FileBytes        int64          `json:"fileBytes"`
	UnknownSizeFiles int            `json:"unknownSizeFiles,omitempty"`
	Operators        []OperatorSize `json:"operators"`
	Kinds            []KindSize     `json:"kinds"`
}

// OperatorSize is one operator's share.
type OperatorSize struct {
	ID                string `json:"id"`
	Name              string `json:"name,omitempty"`
	UID               string `json:"uid,omitempty"`
	StateBytes        int64  `json:"stateBytes"`
	CheckpointedBytes int64  `json:"checkpointedBytes"`
	InlineBytes       int64  `json:"inlineBytes"`
	CoordinatorBytes  int64  `json:"coordinatorBytes,omitempty"`
	Files             int    `json:"files"`
	FileBytes         int64  `json:"fileBytes"`
}

// KindSize is the files and bytes of one file kind.
type KindSize struct {
	Kind  model.FileKind `json:"kind"`
	Files int            `json:"files"`
	Bytes int64          `json:"bytes"`
}

// Analyze reports on one or more snapshots: each one's location,
// dependencies and sizes; with two or more, how they relate; with a
// listing, what storage holds that none of them references.
func Analyze(inputs []Input, opts Options) *Report {
	r := &Report{Schema: ReportSchema, Snapshots: make([]*SnapshotReport, 0, len(inputs))}
	for _, in := range inputs {
		r.Snapshots = append(r.Snapshots, Inspect(in.Snapshot, in.Base))
	}
	var listed *plan.Listed
	if opts.Listing != nil {
		listed = plan.NewListed(opts.Listing, opts.ListingPrefix, referencedPaths(r.Snapshots))
		for i, s := range r.Snapshots {
			// A snapshot read away from its folder is placed where the
			// listing shows its _metadata and files.
			if inputs[i].Base == "" {
				if dir, ok := relocate(s, listed); ok {
					from := s.Location
					s = Inspect(inputs[i].Snapshot, dir)
					s.Location.From = "listing"
					s.Location.ReadFrom = from.Dir
					r.Snapshots[i] = s
				}
			}
			addPhysicalSizes(s, listed)
		}
	}
	if len(r.Snapshots) > 0 {
		r.Jobs = groupJobs(r.Snapshots)
	}
	if len(r.Snapshots) >= 2 {
		r.Comparison = compare(r.Snapshots, r.Jobs)
	}
	if listed != nil && len(r.Snapshots) > 0 {
		r.Orphans = planDeletions(r.Snapshots, listed, opts)
	}
	return r
}

// referencedPaths are the absolute paths the snapshots reference, from
// which a listing's relative entries find their prefix.
func referencedPaths(snaps []*SnapshotReport) []string {
	var out []string
	for _, s := range snaps {
		for _, ref := range s.FileRefs {
			if ref.key != "" {
				out = append(out, ref.Path)
			}
		}
	}
	return out
}

// addPhysicalSizes fills the listed sizes of a snapshot's dependencies.
func addPhysicalSizes(s *SnapshotReport, lf *plan.Listed) {
	for _, ref := range s.FileRefs {
		if e, ok := lf.Lookup(ref.key); ok && !e.Dir {
			d := &s.Dependencies[ref.Dependency]
			d.ListedFiles++
			d.PhysicalBytes += e.Bytes
		}
	}
}

// Inspect analyses one snapshot; base is the user's location for it ("" when
// not known). A nil snapshot gives an empty report.
func Inspect(snap *model.Snapshot, base string) *SnapshotReport {
	if snap == nil {
		snap = &model.Snapshot{}
	}
	s := &SnapshotReport{Snapshot: snap}
	keys := fileKeys(snap)
	s.Location = locate(snap, keys, base)
	s.Dependencies, s.FileRefs = dependencies(snap, s.Location, keys)
	s.Sizes = sizes(snap)
	return s
}

func sizes(snap *model.Snapshot) Sizes {
	sz := Sizes{Inline: snap.InlineBytes, Operators: make([]OperatorSize, 0, len(snap.Operators)), Kinds: []KindSize{}}
	var ops map[string]int // operator by id, needed only to count files
	if len(snap.Files) > 0 {
		ops = make(map[string]int, len(snap.Operators))
	}
	for _, op := range snap.Operators {
		if ops != nil {
			ops[op.ID] = len(sz.Operators)
		}
		sz.Operators = append(sz.Operators, OperatorSize{
			ID: op.ID, Name: op.Name, UID: op.UID,
			StateBytes: op.StateBytes, CheckpointedBytes: op.CheckpointedBytes,
			InlineBytes: op.InlineBytes, CoordinatorBytes: op.CoordinatorBytes,
		})
		sz.Full += op.StateBytes
		sz.Checkpointed += op.CheckpointedBytes
	}
	kinds := map[model.FileKind]int{}
	// Neighbouring files mostly share kind and operator: the last lookup
	// answers without hashing.
	lastKind, lastK := model.FileKind(""), -1
	lastOp, lastI := "", -1
	for i := range snap.Files {
		f := &snap.Files[i]
		sz.Files++
		if f.Bytes >= 0 {
			sz.FileBytes += f.Bytes
		} else {
			sz.UnknownSizeFiles++
		}
		k := lastK
		if k < 0 || f.Kind != lastKind {
			var ok bool
			if k, ok = kinds[f.Kind]; !ok {
				k = len(sz.Kinds)
				kinds[f.Kind] = k
				sz.Kinds = append(sz.Kinds, KindSize{Kind: f.Kind})
			}
			lastKind, lastK = f.Kind, k
		}
		sz.Kinds[k].Files++
		sz.Kinds[k].Bytes += max(f.Bytes, 0)
		for _, id := range f.Operators {
			if lastI >= 0 && id == lastOp {
				sz.Operators[lastI].Files++
				sz.Operators[lastI].FileBytes += max(f.Bytes, 0)
			} else if i, ok := ops[id]; ok {
				lastOp, lastI = id, i
				sz.Operators[i].Files++
				sz.Operators[i].FileBytes += max(f.Bytes, 0)
			}
		}
	}
	if snap.Format != model.FormatFlink && len(snap.Operators) == 0 {
		sz.Full = sz.FileBytes + sz.Inline
		sz.Checkpointed = -1
	}
	sz.Operators = largestFirst(sz.Operators)
	sort.Slice(sz.Kinds, func(i, j int) bool {
		a, b := sz.Kinds[i], sz.Kinds[j]
		if a.Bytes != b.Bytes {
			return a.Bytes > b.Bytes
		}
		return a.Kind < b.Kind
	})
	return sz
}

// largestFirst orders operators by state size, then id, then their place in
// the file. It sorts small keys holding the id's first 8 bytes, not the
// 100-byte records: sort.SliceStable's in-place merges moved records
// O(n log² n) times, and comparing ids through their pointers missed the
// cache; both dominated a file of millions of operators.
func largestFirst(ops []OperatorSize) []OperatorSize {
	type key struct {
		state  int64
		prefix uint64
		at     int
	}
	keys := make([]key, len(ops))
	for i := range ops {
		var p [8]byte
		copy(p[:], ops[i].ID)
		keys[i] = key{ops[i].StateBytes, binary.BigEndian.Uint64(p[:]), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(b.state, a.state); c != 0 {
			return c
		}
		if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
			return c
		}
		if c := strings.Compare(ops[a.at].ID, ops[b.at].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	// Move each record once, cycle by cycle, in place: a copy would hold
	// the records twice.
	for start := range keys {
		if keys[start].at < 0 {
			continue
		}
		held, k := ops[start], start
		for {
			from := keys[k].at
			keys[k].at = -1
			if from == start {
				ops[k] = held
				break
			}
			ops[k], k = ops[from], from
		}
	}
	return ops
}
