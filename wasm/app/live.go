package app

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// liveManifests keeps, of the SlateDB manifests found in dropped folders
// (named by their path in the drop), the ones SlateDB's garbage collector
// keeps alive (slatedb.LiveManifests): a database's folder holds every old
// version of its manifest, and given them all the plan would keep
// everything. The others are listed with why, one line a folder, and not
// read. Manifests dropped as files are all read. Of a compactions/ folder
// only the newest file, the compactor's state, is read.
func liveManifests(inputs []Input, loads []*fileLoad) ([]Input, []*fileLoad) {
	var inFolders []string
	byName := map[string]Input{}
	for _, in := range inputs {
		_, manifest := slatedb.ParseManifestName(in.Name)
		_, state := slatedb.ParseCompactionsName(in.Name)
		if (manifest || state) && strings.Contains(in.Name, "/") {
			inFolders = append(inFolders, in.Name)
			byName[in.Name] = in
		}
	}
	if len(inFolders) < 2 {
		return inputs, loads
	}
	live := slatedb.LiveManifests(inFolders, func(name string) []uint64 {
		in := byName[name]
		data := make([]byte, in.Size)
		if n, _ := in.ReaderAt.ReadAt(data, 0); int64(n) < in.Size {
			return nil
		}
		s, _ := parse.Decode(name, bytes.NewReader(data), in.Size)
		return slatedb.CheckpointManifests(s, time.Now())
	})
	if len(live) == len(inFolders) {
		return inputs, loads
	}
	keep := map[string]bool{}
	for _, n := range live {
		keep[n] = true
	}
	var kept []Input
	var keptLoads, skipped []*fileLoad
	byFolder := map[string]*fileLoad{}
	left := map[*fileLoad]int{}
	for i, in := range inputs {
		if _, candidate := byName[in.Name]; !candidate || keep[in.Name] {
			kept, keptLoads = append(kept, in), append(keptLoads, loads[i])
			continue
		}
		folder := in.Name[:strings.LastIndexByte(in.Name, '/')+1]
		l := byFolder[folder]
		if l == nil {
			l = &fileLoad{Name: folder, Done: true}
			byFolder[folder] = l
			skipped = append(skipped, l)
		}
		l.Size += in.Size
		left[l]++
	}
	for _, l := range skipped {
		l.Read = l.Size
		l.Note = fmt.Sprintf("%s older manifests, not read: neither the newest nor pinned by its checkpoints, so SlateDB's garbage collector no longer needs them (drop them as files to compare them)", Count(left[l]))
		if strings.HasSuffix(l.Name, "compactions/") {
			l.Note = fmt.Sprintf("%s older compactions files, not read: the newest is the compactor's state", Count(left[l]))
		}
	}
	return kept, append(keptLoads, skipped...)
}
