package slatedb

import (
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// LiveManifests picks, of the manifest files named (paths ending in
// <id>.manifest), those SlateDB's garbage collector keeps alive: in each
// folder the newest, and the ones its checkpoints pin, which pins reads
// (nil: the newest alone). Other names are left out; the order is kept.
func LiveManifests(names []string, pins func(name string) []uint64) []string {
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
	var out []string
	for _, n := range names {
		if live[n] {
			out = append(out, n)
			delete(live, n) // a name given twice is kept once
		}
	}
	return out
}

// CheckpointManifests are the manifest ids the checkpoints of a manifest's
// snapshot pin (none for another snapshot).
func CheckpointManifests(s *model.Snapshot) []uint64 {
	if s == nil || s.SlateDB == nil {
		return nil
	}
	var ids []uint64
	for _, c := range s.SlateDB.Checkpoints {
		ids = append(ids, c.ManifestID)
	}
	return ids
}
