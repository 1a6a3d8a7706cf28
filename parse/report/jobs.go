package report

import (
	"github.com/ckptlens/ckptlens/parse/jobs"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// groupJobs groups the analysed snapshots by job (parse/jobs) from their
// locations and the other jobs' folders they depend on.
func GroupJobs(snaps []*SnapshotReport) *jobs.Grouping {
	in := make([]jobs.Snapshot, len(snaps))
	for i, s := range snaps {
		in[i] = jobSnapshot(s)
	}
	return jobs.Group(in)
}

// Label names one snapshot as a comparison of it with others would:
// "<job id, first 8>/chk-N", its savepoint folder, or "chk-N" when its job
// is unknown.
func (s *SnapshotReport) Label() string {
	return jobs.Group([]jobs.Snapshot{jobSnapshot(s)}).Labels[0]
}

// CheckJobs groups the snapshots again when the report's grouping does not
// fit them: a report read from a link may carry any indices.
func (r *Report) CheckJobs() {
	if len(r.Snapshots) > 0 && !r.Jobs.Valid(len(r.Snapshots)) {
		r.Jobs = GroupJobs(r.Snapshots)
	}
}

// jobSnapshot is what grouping needs of one snapshot.
func jobSnapshot(s *SnapshotReport) jobs.Snapshot {
	js := jobs.Snapshot{Name: FolderLabel(s), ID: s.CheckpointID}
	loc := s.Location
	switch {
	case s.Format == model.FormatSlateDB && loc.Dir != "":
		js.JobKey, js.JobDir = paths.Key(loc.Dir), loc.Dir
	case loc.Kind == location.KindSavepoint:
		js.SavepointJob = savepointJob(paths.Base(loc.Dir))
	case loc.JobDir != "":
		js.JobKey, js.JobDir = paths.Key(loc.JobDir), loc.JobDir
	}
	reads := map[string]int{}
	for _, d := range s.Dependencies {
		if d.Role != RoleOtherCheckpoint {
			continue
		}
		r := otherJob(s, d)
		k := r.JobKey + "\x00" + r.SavepointJob
		if r.JobKey == "" && r.SavepointJob == "" {
			continue
		}
		i, ok := reads[k]
		if !ok {
			i = len(js.Reads)
			reads[k] = i
			js.Reads = append(js.Reads, r)
		}
		js.Reads[i].Files += d.Files
		js.Reads[i].Bytes += d.Bytes
	}
	return js
}

// otherJob is the job whose folder an other-checkpoint dependency is: the
// parent of its chk-N, shared/ or taskowned/ folder, the job a savepoint
// folder names, or for SlateDB the database holding the parent's SSTs.
func otherJob(s *SnapshotReport, d Dependency) jobs.Read {
	name := paths.Base(d.Dir)
	switch {
	case s.Format == model.FormatSlateDB:
		root := paths.Parent(d.Dir)
		return jobs.Read{JobKey: paths.Key(root), JobDir: root}
	case paths.IsSavepointDir(name):
		return jobs.Read{SavepointJob: savepointJob(name), JobDir: d.Dir}
	}
	if pl, ok := paths.PlaceInFlinkLayout(paths.Key(d.Dir) + "/f"); ok {
		dir := paths.WrittenPrefix(d.Dir+"/f", pl.JobDir)
		return jobs.Read{JobKey: pl.JobDir, JobDir: dir}
	}
	return jobs.Read{}
}

// savepointJob is the job-id prefix in a savepoint folder's name.
func savepointJob(name string) string {
	if !paths.IsSavepointDir(name) {
		return ""
	}
	return name[len("savepoint-") : len("savepoint-")+6]
}
