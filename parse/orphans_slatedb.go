package parse

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// SlateDB keeps one database per root: manifest/<id>.manifest, wal/<id>.sst
// and compacted/<ULID>.sst, plus bookkeeping of its own (compactions/, gc/).
// What a manifest does not name is garbage only when it is older than
// everything the given manifests describe; newer objects belong to a writer
// or compactor still at work (the same rules SlateDB's own GC follows).

type slateDBRoot struct {
	newestManifest uint64 // highest manifest id given
	replayAfter    uint64 // its WAL replay point: SlateDB keeps WAL ids >= this
	lastSeenWAL    uint64 // its newest WAL id
	newestSST      int64  // creation time (Unix ms) of the newest SST the given manifests name
	given          map[uint64]bool
	pinned         map[uint64][]string // manifest id → checkpoints of the newest given manifest that pin it
}

func slateDBRoots(snaps []*SnapshotReport) map[string]*slateDBRoot {
	roots := map[string]*slateDBRoot{}
	for _, s := range snaps {
		d := s.SlateDB
		if s.Format != model.FormatSlateDB || d == nil || !isAbsolutePath(s.Location.Dir) {
			continue
		}
		k := pathKey(s.Location.Dir)
		r := roots[k]
		if r == nil {
			r = &slateDBRoot{given: map[uint64]bool{}, pinned: map[uint64][]string{}}
			roots[k] = r
		}
		id := uint64(max(s.CheckpointID, 0))
		r.given[id] = true
		if id >= r.newestManifest {
			// Only the newest manifest's checkpoints still exist: one an
			// older manifest lists and the newest does not was deleted.
			r.newestManifest, r.replayAfter, r.lastSeenWAL = id, d.WALIDLastCompacted, d.WALIDLastSeen
			r.pinned = map[uint64][]string{}
			for _, c := range d.Checkpoints {
				name := c.ID
				if c.Name != "" {
					name = c.Name
				}
				r.pinned[c.ManifestID] = append(r.pinned[c.ManifestID], name)
			}
		}
		for _, sst := range d.SSTs {
			if sst.Database == "" {
				r.newestSST = max(r.newestSST, sst.Created)
			}
		}
	}
	return roots
}

// missingPinned lists manifests that given checkpoints pin but that were
// not given: the SSTs and WAL files they need are unknown.
func (r *slateDBRoot) missingPinned() []uint64 {
	var out []uint64
	for id := range r.pinned {
		if !r.given[id] {
			out = append(out, id)
		}
	}
	sortUint64(out)
	return out
}

// judge decides an unreferenced object at rel (relative to the root).
func (r *slateDBRoot) judge(rel string, bytes int64) (deletable bool, reason string) {
	folder, name, _ := strings.Cut(rel, "/")
	id, numeric := uint64(0), false
	if i := strings.IndexByte(name, '.'); i > 0 {
		n, err := strconv.ParseUint(name[:i], 10, 64)
		id, numeric = n, err == nil
	}
	missing := r.missingPinned()
	switch folder {
	case "manifest":
		switch {
		case !numeric:
			return false, "not a manifest SlateDB names"
		case id > r.newestManifest:
			return false, fmt.Sprintf("manifest %d is newer than every given manifest: give it", id)
		case len(r.pinned[id]) > 0:
			return false, fmt.Sprintf("pinned by checkpoint %s", strings.Join(r.pinned[id], ", "))
		}
		return true, fmt.Sprintf("manifest older than %d, pinned by no checkpoint", r.newestManifest)
	case "wal":
		switch {
		case !numeric:
			return false, "not a WAL file SlateDB names"
		case id > r.lastSeenWAL:
			return false, fmt.Sprintf("WAL written after manifest %d (which saw up to %d): the writer may be at work", r.newestManifest, r.lastSeenWAL)
		case id >= r.replayAfter:
			return false, fmt.Sprintf("at or after the WAL replay point %d of manifest %d, which SlateDB's garbage collector keeps", r.replayAfter, r.newestManifest)
		case len(missing) > 0:
			return false, fmt.Sprintf("manifest %d, pinned by a checkpoint, was not given and may need it", missing[0])
		case bytes == 0:
			return true, "an empty WAL object (a writer fence) before the replay point"
		}
		return true, fmt.Sprintf("WAL before the replay point %d, named by no given manifest", r.replayAfter)
	case "compacted":
		created, ok := ulidMillis(strings.TrimSuffix(name, ".sst"))
		switch {
		case !ok:
			return false, "not an SST SlateDB names"
		case created > r.newestSST:
			return false, "created after every SST the given manifests name: a compaction may be writing it"
		case len(missing) > 0:
			return false, fmt.Sprintf("manifest %d, pinned by a checkpoint, was not given and may need it", missing[0])
		}
		return true, "SST named by no given manifest or checkpoint"
	}
	return false, "SlateDB's own bookkeeping (" + folder + "/), which manifests do not describe"
}

func (r *slateDBRoot) unknowns() []string {
	var out []string
	for _, id := range r.missingPinned() {
		out = append(out, fmt.Sprintf("SlateDB manifest %d is pinned by checkpoint %s but was not given: the SSTs and WAL files it needs are kept as unsure. Give manifest/%020d.manifest too.",
			id, strings.Join(r.pinned[id], ", "), id))
	}
	return out
}

// ulidMillis is the creation time in a ULID's first 10 characters
// (Crockford base32, 48 bits of Unix milliseconds).
func ulidMillis(s string) (int64, bool) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	if len(s) != 26 {
		return 0, false
	}
	var t int64
	for _, c := range strings.ToUpper(s[:10]) {
		i := strings.IndexRune(alphabet, c)
		if i < 0 {
			return 0, false
		}
		t = t<<5 | int64(i)
	}
	return t, true
}

func sortUint64(s []uint64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// staleReference tells the files an older SlateDB manifest names only
// through its list of checkpoints, which the newest manifest supersedes.
func staleReference(s *SnapshotReport, f model.File, slate map[string]*slateDBRoot) bool {
	if s.Format != model.FormatSlateDB || f.Kind != model.KindManifest || !isAbsolutePath(s.Location.Dir) {
		return false
	}
	r := slate[pathKey(s.Location.Dir)]
	if r == nil || uint64(max(s.CheckpointID, 0)) == r.newestManifest {
		return false
	}
	id, ok := manifestID(baseName(f.Path))
	return ok && id != uint64(max(s.CheckpointID, 0))
}

func manifestID(name string) (uint64, bool) {
	num, ext, ok := strings.Cut(name, ".")
	if !ok || ext != "manifest" {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}
