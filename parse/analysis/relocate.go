package analysis

import (
	"path"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/report"
)

// A _metadata file is often looked at away from its folder: downloaded,
// copied, or dropped on the page without a path. Against a listing its
// folder can be found again, from evidence the listing gives: a _metadata of
// exactly the same size whose folder also holds every file the snapshot
// references relatively (random UUID names). Only a unique match counts.

// relocate finds the listed folder of a Flink snapshot whose own folder is
// not in the listing; ok is false when there is no single match.
func relocate(s *report.SnapshotReport, lf *plan.Listed) (dir string, ok bool) {
	if s.Format != model.FormatFlink || s.Size <= 0 {
		return "", false
	}
	own := ""
	if s.Location.Dir != "" && paths.IsAbsolute(s.Location.Dir) {
		own = paths.Key(paths.Join(s.Location.Dir, paths.MetadataName))
	}
	var relative []string
	for _, f := range s.Files {
		if f.Relative || !paths.IsAbsolute(f.Path) {
			relative = append(relative, strings.TrimPrefix(path.Clean(f.Path), "/"))
		}
	}
	// The listed _metadata files of its size are the candidates; one read of
	// the listing tells which folders hold its relative files.
	var candidates []plan.Entry
	var keys []string
	for _, e := range lf.Metadata() {
		if e.Key == own {
			return "", false // already where the listing has it
		}
		if e.Bytes == s.Size {
			candidates = append(candidates, e)
			for _, r := range relative {
				keys = append(keys, path.Dir(e.Key)+"/"+r)
			}
		}
	}
	listed := lf.Find(keys)
	match := ""
	for _, e := range candidates {
		folder := path.Dir(e.Key)
		all := true
		for _, r := range relative {
			if _, ok := listed[folder+"/"+r]; !ok {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if match != "" {
			return "", false // ambiguous
		}
		match = paths.Parent(e.Path)
	}
	return match, match != ""
}
