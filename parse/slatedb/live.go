package slatedb

import (
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// LiveManifests picks, of the manifest files named (paths ending in
// <id>.manifest), those SlateDB's garbage collector keeps alive: in each
// folder the newest, and the ones its checkpoints pin, which pins reads
// (nil: the newest alone); and of the compactions files named, the newest
// in each folder (the compactor's current state). Other names are left out;
// the order is kept.
func LiveManifests(names []string, pins func(name string) []uint64) []string {
	live := liveManifestNames(names, pins)
	newestCompactions := map[string]string{}
	for _, n := range names {
		id, ok := ParseCompactionsName(n)
		if !ok {
			continue
		}
		dir := n[:max(strings.LastIndexAny(n, `/\`), 0)]
		if cur, seen := newestCompactions[dir]; !seen || id > mustCompactionsID(cur) {
			newestCompactions[dir] = n
		}
	}
	for _, n := range newestCompactions {
		live[n] = true
	}
	var out []string
	for _, n := range names {
		if live[n] {
			out = append(out, n)
			delete(live, n) // a name given twice is kept once
		}
	}
	return out
}

func mustCompactionsID(name string) uint64 {
	id, _ := ParseCompactionsName(name)
	return id
}

// liveManifestNames is the set of manifest names LiveManifests keeps.
func liveManifestNames(names []string, pins func(name string) []uint64) map[string]bool {
	type folder struct {
		byID   map[uint64]string
		newest string
		id     uint64
	}
	folders := map[string]*folder{}
	for _, n := range names {
		id, ok := ParseManifestName(n)
		if !ok {
			continue
		}
		dir := n[:max(strings.LastIndexAny(n, `/\`), 0)]
		f := folders[dir]
		if f == nil {
			f = &folder{byID: map[uint64]string{}}
			folders[dir] = f
		}
		f.byID[id] = n
		if f.newest == "" || id > f.id {
			f.newest, f.id = n, id
		}
	}
	live := map[string]bool{}
	for _, f := range folders {
		live[f.newest] = true
		if pins == nil {
			continue
		}
		for _, id := range pins(f.newest) {
			if n, ok := f.byID[id]; ok {
				live[n] = true
			}
		}
	}
	return live
}

// CheckpointManifests are the manifest ids the checkpoints of a manifest's
// snapshot pin (none for another snapshot). Checkpoints expired at now pin
// nothing, as SlateDB's GC drops them first; a zero now keeps them all.
func CheckpointManifests(s *model.Snapshot, now time.Time) []uint64 {
	if s == nil || s.SlateDB == nil {
		return nil
	}
	var ids []uint64
	for _, c := range s.SlateDB.Checkpoints {
		if !now.IsZero() && c.ExpireTime != 0 && c.ExpireTime <= now.Unix() {
			continue
		}
		ids = append(ids, c.ManifestID)
	}
	return ids
}

// ManifestOf is the manifest a snapshot was decoded from (parse.Decode
// keeps it); ok is false for another snapshot or one rebuilt from JSON.
func ManifestOf(s *model.Snapshot) (m *Manifest, ok bool) {
	if s == nil {
		return nil, false
	}
	m, ok = s.Decoded.(*Manifest)
	return m, ok
}

// CompactionsOf is the compactions file a snapshot was decoded from.
func CompactionsOf(s *model.Snapshot) (cs *Compactions, ok bool) {
	if s == nil {
		return nil, false
	}
	cs, ok = s.Decoded.(*Compactions)
	return cs, ok
}
