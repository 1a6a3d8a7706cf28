package app

import (
	"github.com/ckptlens/ckptlens/parse"
)

// Report is what the page renders: the engine's report, the same value
// `ckptlens compare --json` prints. Share links carry it as JSON.
type Report = parse.Report

// SnapshotReport is one snapshot within a Report.
type SnapshotReport = parse.SnapshotReport
