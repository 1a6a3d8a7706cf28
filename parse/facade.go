package parse

import (
	"io"

	"github.com/ckptlens/ckptlens/parse/analysis"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/report"
)

// The report's types (package report) and the analysis (package analysis)
// keep the names the page, the CLI and share links have always used.
type (
	Input          = analysis.Input
	Options        = analysis.Options
	Report         = report.Report
	SnapshotReport = report.SnapshotReport
	Location       = location.Location
	Role           = report.Role
	Dependency     = report.Dependency
	FileRef        = report.FileRef
	Sizes          = report.Sizes
	Comparison     = report.Comparison
	ComparedFile   = report.ComparedFile
	LeftOut        = report.LeftOut
	OrphanPlan     = report.OrphanPlan
	OrphanItem     = report.OrphanItem
)

const (
	ReportSchema        = report.ReportSchema
	RoleExclusive       = report.RoleExclusive
	RoleShared          = report.RoleShared
	RoleTaskOwned       = report.RoleTaskOwned
	RoleFileMerging     = report.RoleFileMerging
	RoleOtherCheckpoint = report.RoleOtherCheckpoint
	RoleChangelog       = report.RoleChangelog
	RoleForSt           = report.RoleForSt
	RoleExternal        = report.RoleExternal
	RoleRelative        = report.RoleRelative
	RoleInline          = report.RoleInline
)

// Analyze reports on decoded snapshots (analysis.Analyze).
func Analyze(inputs []Input, opts Options) *Report { return analysis.Analyze(inputs, opts) }

// WriteReportJSON writes a report as JSON as it goes (report.WriteReportJSON).
func WriteReportJSON(w io.Writer, r *Report) error { return report.WriteReportJSON(w, r) }

// WriteSnapshotJSON writes one snapshot's report (report.WriteSnapshotJSON).
func WriteSnapshotJSON(w io.Writer, s *SnapshotReport) error { return report.WriteSnapshotJSON(w, s) }

// Inspect analyses one snapshot; base is its folder when the user knows it
// (analysis.Inspect).
func Inspect(snap *model.Snapshot, base string) *SnapshotReport { return analysis.Inspect(snap, base) }
