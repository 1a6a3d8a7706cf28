package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// job is a job folder one of the given checkpoints belongs to.
type job struct {
	shown      string
	maxGiven   int64
	newestMeta time.Time // when the newest given _metadata was written; zero when unknown
	newer      []string  // completed chk-N newer than every given one (shown)
	inProgress []string  // chk-N without _metadata newer than every given one
}

// cutoff is the time after which the job's files are kept: a running job
// may have written them for a checkpoint no given _metadata names. Zero
// when the listing carries no times.
func (j *job) cutoff(margin time.Duration) time.Time {
	if j.newestMeta.IsZero() {
		return time.Time{}
	}
	return j.newestMeta.Add(-margin)
}

// placeSnapshots is the second phase: find each given snapshot in the
// listing, collect every key it references, and refuse what cannot be
// placed.
func (p *planner) placeSnapshots() {
	p.jobs = map[string]*job{}
	p.ownDirs = map[string]string{}
	for si, s := range p.snaps {
		if s.Partial {
			// Still placed: what it does name is shown as needed.
			p.refuse(RefusePartialSnapshot, s.Label+" could not be decoded completely, so the files it references are not all known. Fix or replace the file; nothing is planned until then.")
		}
		if isSlateDB(s.Format) {
			p.placeSlateDB(si, s)
			continue
		}
		p.placeFlink(si, s)
	}
	p.refuseMissing()
}

// wantedKeys are the canonical keys placing the snapshots may look up: every
// absolute path they name, their _metadata and their manifests.
func (p *planner) wantedKeys() map[string]*keyInfo {
	want := map[string]*keyInfo{}
	add := func(written string) {
		if paths.IsAbsolute(written) {
			want[p.entropy.canonical(paths.Key(written))] = &keyInfo{}
		}
	}
	for _, s := range p.snaps {
		if s.Dir != "" && paths.IsAbsolute(s.Dir) {
			add(paths.Join(s.Dir, paths.MetadataName))
			if isSlateDB(s.Format) {
				add(slateManifestPath(s))
			}
		}
		add(s.Source)
		for _, f := range s.Files {
			if !f.Relative {
				add(f.Path)
			}
		}
	}
	return want
}

// candidateJobs are the job folders of the given checkpoints, before
// placing tells which of them are the plan's.
func (p *planner) candidateJobs() map[string]bool {
	out := map[string]bool{}
	for _, s := range p.snaps {
		if s.Kind == location.KindCheckpoint && s.JobDir != "" {
			out[paths.Key(s.JobDir)] = true
		}
	}
	return out
}

// referencedKeys are the keys the given snapshots reference, sorted.
func (p *planner) referencedKeys() []string {
	var out []string
	for k, ki := range p.keys {
		if ki.referenced {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (p *planner) listedAt(canonKey string) (Entry, bool) {
	ki := p.keys[canonKey]
	if ki == nil || !ki.listed || canonKey == "" {
		return Entry{}, false
	}
	e := Entry{Key: canonKey, Bytes: ki.listedBytes, Dir: ki.listedDir}
	if ki.hasTime {
		e.Modified = time.Unix(0, ki.modified).UTC()
	}
	return e, true
}

func (p *planner) reference(si int, written string, bytes int64) {
	if !paths.IsAbsolute(written) {
		return
	}
	k := p.entropy.canonical(paths.Key(written))
	r := p.keys[k]
	if r == nil {
		r = &keyInfo{}
		p.keys[k] = r
	}
	if !r.referenced {
		r.referenced, r.path, r.bytes = true, written, bytes
	}
	if n := len(r.snapshots); n == 0 || r.snapshots[n-1] != si {
		r.snapshots = append(r.snapshots, si)
	}
}

// placeFlink places a Flink checkpoint or savepoint: its _metadata must be
// listed where its folder says.
func (p *planner) placeFlink(si int, s Snapshot) {
	if s.Dir == "" || !paths.IsAbsolute(s.Dir) {
		p.refuse(RefuseUnplaced, s.Label+" has no known folder, so its relative files cannot be told from other files of the same names. Give its folder (--base, or the page's base location), or read it from where it is stored.")
		return
	}
	metaPath := paths.Join(s.Dir, paths.MetadataName)
	meta, listed := p.listedAt(paths.Key(metaPath))
	if !listed {
		p.refuse(RefuseMetadataNotListed, fmt.Sprintf("%s: its _metadata (%s) is not in the listing, whose paths are under %s. The listing shows other storage, another folder, or the same storage under another name (a different scheme, endpoint, bucket or --prefix): list the storage that holds the snapshot, or give the snapshot's real folder with --base.",
			s.Label, metaPath, orNone(p.out.Listing.Root)))
		return
	}
	if p.contradictsBase(s) {
		return
	}
	p.reference(si, metaPath, meta.Bytes)
	if paths.IsAbsolute(s.Source) {
		p.reference(si, s.Source, meta.Bytes)
	}
	for _, f := range s.Files {
		if !f.Relative {
			p.reference(si, f.Path, f.Bytes)
		}
	}
	p.ownDirs[paths.Key(s.Dir)] = s.Dir
	if s.Kind != location.KindCheckpoint || s.JobDir == "" {
		return
	}
	jk := paths.Key(s.JobDir)
	j := p.jobs[jk]
	if j == nil {
		j = &job{shown: s.JobDir, maxGiven: -1}
		p.jobs[jk] = j
	}
	j.maxGiven = max(j.maxGiven, paths.CheckpointNumber(paths.Base(s.Dir)))
	if meta.Modified.After(j.newestMeta) {
		j.newestMeta = meta.Modified
	}
}

// contradictsBase refuses a folder given (--base) or found in the listing
// that names another checkpoint than the file's own id, or a job folder none
// of its absolute paths lies in: the listing then spells the storage
// differently from the snapshot (an rclone remote, another endpoint), and
// files the snapshot needs would look unreferenced.
func (p *planner) contradictsBase(s Snapshot) bool {
	if s.From != location.FromBase && s.From != location.FromListing || s.Kind != location.KindCheckpoint {
		return false
	}
	n := paths.CheckpointNumber(paths.Base(s.Dir))
	if s.CheckpointID > 0 && n >= 0 && n != s.CheckpointID {
		p.refuse(RefuseBaseContradicts, fmt.Sprintf("%s: the folder given for it, %s, is chk-%d's, but the file is checkpoint %d. Give the folder it was read from.", s.Label, s.Dir, n, s.CheckpointID))
		return true
	}
	jobs := map[string]bool{}
	for _, f := range s.Files {
		if f.Relative || f.Resolved || !paths.IsAbsolute(f.Path) {
			continue
		}
		if pl, ok := paths.PlaceInFlinkLayout(p.entropy.canonical(paths.Key(f.Path))); ok {
			jobs[pl.JobDir] = true
		}
	}
	if len(jobs) > 0 && !jobs[paths.Key(s.JobDir)] {
		keys := make([]string, 0, len(jobs))
		for k := range jobs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		p.refuse(RefuseBaseContradicts, fmt.Sprintf("%s: its folder, %s (%s), is in job folder %s, but the files it references are in %s. Give the folder it was read from, or a listing that spells the storage as the snapshot does.",
			s.Label, s.Dir, s.How("given with --base"), s.JobDir, strings.Join(keys, ", ")))
		return true
	}
	return false
}

// refuseMissing refuses when files the snapshots reference inside the
// listed folder are not listed: the listing is partial, names the storage
// differently, or the snapshot is broken. Either way nothing can be proven.
func (p *planner) refuseMissing() {
	if p.root == "" || p.root == "/" || p.root == "." {
		return
	}
	for _, k := range p.referencedKeys() {
		if _, listed := p.listedAt(k); !listed && paths.Under(k, p.root) {
			r := p.keys[k]
			p.out.Missing = append(p.out.Missing, Missing{Path: r.path, Bytes: r.bytes, Snapshots: r.snapshots})
		}
	}
	if n := len(p.out.Missing); n > 0 {
		p.refuse(RefuseFilesNotListed, fmt.Sprintf("%s the given snapshots reference inside the listed folder %s %s not in the listing (%s). Either the listing is partial or spells the storage differently, or those snapshots cannot be restored: list the whole folder again, and check the snapshots.",
			plural(n, "file"), p.out.Listing.Root, byCount("is", "are", n), p.out.Missing[0].Path))
	}
}

func orNone(s string) string {
	if s == "" {
		return "no folder (nothing could be placed)"
	}
	return s
}
