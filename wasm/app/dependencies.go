package app

import (
	"fmt"
	"slices"

	"github.com/ckptlens/ckptlens/parse"
)

var dependencyColumns = map[string]column[parse.Dependency]{
	"dir":   byString(func(d parse.Dependency) string { return d.Dir }),
	"role":  byString(func(d parse.Dependency) string { return string(d.Role) }),
	"files": byInt(func(d parse.Dependency) int { return d.Files }),
	"bytes": byInt(func(d parse.Dependency) int64 { return d.Bytes }),
	"share": byInt(func(d parse.Dependency) int64 { return d.Bytes }),
}

func (c *Dependencies) rows() []parse.Dependency {
	rows := slices.Clone(c.Snap.Dependencies)
	sortBy(rows, c.sort, dependencyColumns)
	return rows
}

// total is what the shares are of: every dependency's bytes.
func (c *Dependencies) total() int64 {
	var n int64
	for _, d := range c.Snap.Dependencies {
		n += d.Bytes
	}
	return n
}

func (c *Dependencies) bytes(d parse.Dependency) string {
	s := Bytes(d.Bytes)
	if d.UnknownSizeFiles > 0 {
		s += fmt.Sprintf(" + %s of unrecorded size", Count(d.UnknownSizeFiles))
	}
	if d.Segments > 0 {
		s += fmt.Sprintf(" in %s segments", Count(d.Segments))
		if d.PhysicalBytes > 0 {
			s += " of " + Bytes(d.PhysicalBytes) + " on disk"
		}
	}
	return s
}

// roles lists the roles present, in the table's order of first appearance.
func (c *Dependencies) roles() []string {
	var out []string
	for _, d := range c.Snap.Dependencies {
		if !slices.Contains(out, string(d.Role)) {
			out = append(out, string(d.Role))
		}
	}
	return out
}

// roleHelp explains a role in a user's words, in SlateDB's where the
// snapshot is a manifest (the roles are Flink's).
func (c *Dependencies) roleHelp(role string) string {
	if c.Snap.SlateDB != nil || c.Snap.Compactions != nil {
		switch parse.Role(role) {
		case parse.RoleExclusive:
			return "The database's manifest/ folder: this version of its manifest."
		case parse.RoleShared:
			return "The database's SSTs (compacted/ and wal/), which later manifests may keep using."
		case parse.RoleOtherCheckpoint:
			return "A parent database's SSTs, which this clone still reads."
		}
	}
	switch parse.Role(role) {
	case parse.RoleExclusive:
		return "This snapshot's own folder (its chk-N or savepoint folder)."
	case parse.RoleShared:
		return "The job's shared/ folder: incremental files that later checkpoints may reuse."
	case parse.RoleTaskOwned:
		return "The job's taskowned/ folder: state the task managers own."
	case parse.RoleFileMerging:
		return "Physical files that hold file-merging segments; bytes are the segments used."
	case parse.RoleOtherCheckpoint:
		return "Another checkpoint's folder, of this job or another (after a CLAIM or LEGACY restore, later checkpoints keep using the restored checkpoint's files)."
	case parse.RoleForSt:
		return "ForSt's working folder (shared/op_…__attempt_N/db/): the live database of a running Flink 2.x job, whose files its checkpoints reuse."
	case parse.RoleChangelog:
		return "Changelog (DSTL) files under the changelog storage path."
	case parse.RoleExternal:
		return "Absolute paths outside any checkpoint layout."
	case parse.RoleRelative:
		return "Relative paths, resolved against a folder not known to be this snapshot's. Enter the base location to resolve them."
	case parse.RoleInline:
		return "State stored inside the snapshot file itself; no folder to keep."
	}
	return ""
}
