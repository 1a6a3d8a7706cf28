package report

import (
	"encoding/json"
	"slices"

	"github.com/ckptlens/ckptlens/parse/model"
)

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
	s.linkOperators()
	if s.Snapshot != nil && len(s.FileRefs) == len(s.Files) {
		for i := range s.FileRefs {
			if s.FileRefs[i].Path == "" {
				s.FileRefs[i].Path = s.Files[i].Path
			}
		}
	}
	return nil
}

// MarshalJSON writes the operator's figures beside its files.
func (o OperatorSize) MarshalJSON() ([]byte, error) {
	return appendOperatorSize(nil, &o), nil
}

// UnmarshalJSON reads what MarshalJSON writes into an operator of its own;
// SnapshotReport.UnmarshalJSON then points it at the snapshot's.
func (o *OperatorSize) UnmarshalJSON(data []byte) error {
	var in operatorSizeJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	o.Operator = &model.Operator{ID: in.ID, Name: in.Name, UID: in.UID, StateBytes: in.StateBytes,
		CheckpointedBytes: in.CheckpointedBytes, InlineBytes: in.InlineBytes, CoordinatorBytes: in.CoordinatorBytes}
	o.Files, o.FileBytes = in.Files, in.FileBytes
	return nil
}

// linkOperators points each operator size read from JSON at the snapshot's
// operator with the same figures, each operator once, as Inspect made it.
func (s *SnapshotReport) linkOperators() {
	if s.Snapshot == nil {
		return
	}
	byID := make(map[string][]int, len(s.Operators))
	for i := range s.Operators {
		byID[s.Operators[i].ID] = append(byID[s.Operators[i].ID], i)
	}
	for k := range s.Sizes.Operators {
		read := s.Sizes.Operators[k].Operator
		if read == nil {
			continue
		}
		candidates := byID[read.ID]
		if j := slices.IndexFunc(candidates, func(i int) bool { return sameSizes(&s.Operators[i], read) }); j >= 0 {
			s.Sizes.Operators[k].Operator = &s.Operators[candidates[j]]
			byID[read.ID] = slices.Delete(candidates, j, j+1)
		}
	}
}

func sameSizes(a, b *model.Operator) bool {
	return a.Name == b.Name && a.UID == b.UID && a.StateBytes == b.StateBytes && a.CheckpointedBytes == b.CheckpointedBytes &&
		a.InlineBytes == b.InlineBytes && a.CoordinatorBytes == b.CoordinatorBytes
}
