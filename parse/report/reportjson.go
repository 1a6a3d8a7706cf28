package report

import "encoding/json"

// snapshotReportJSON is SnapshotReport without its JSON methods.
type snapshotReportJSON SnapshotReport

// MarshalJSON leaves out each file ref's path where it is the file's own
// (every absolute path): the paths of a large job are most of its report,
// and were written twice (44 MB of JSON for 108,500 files, 33 MB without).
func (s *SnapshotReport) MarshalJSON() ([]byte, error) {
	out := snapshotReportJSON(*s)
	if s.Snapshot != nil && len(s.FileRefs) == len(s.Files) {
		out.FileRefs = make([]FileRef, len(s.FileRefs))
		for i, ref := range s.FileRefs {
			if ref.Path == s.Files[i].Path {
				ref.Path = ""
			}
			out.FileRefs[i] = ref
		}
	}
	return json.Marshal(&out)
}

// UnmarshalJSON reads what MarshalJSON writes, and the reports written
// before it, which had every path.
func (s *SnapshotReport) UnmarshalJSON(data []byte) error {
	var in snapshotReportJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*s = SnapshotReport(in)
	if s.Snapshot != nil && len(s.FileRefs) == len(s.Files) {
		for i := range s.FileRefs {
			if s.FileRefs[i].Path == "" {
				s.FileRefs[i].Path = s.Files[i].Path
			}
		}
	}
	return nil
}
