// Package parse is the one engine behind the page, the CLI and the tests,
// and its front door.
//
// Load reads sources (a snapshot file each, or for the page a storage
// listing), decoding each once: a Flink _metadata file or a SlateDB manifest
// or compactions file, chosen by content (Decode). Of the SlateDB files found
// in a folder it reads only the live ones, as SlateDB's garbage collector
// sees them. It merges the listings, places the user's base location, and
// hands the snapshots to the analysis (package analysis): where each lives,
// which folders it needs and why, its sizes, with several what they share,
// and with a listing what none of them needs (package plan). The result is a
// Report (package report), plain data that encodes to JSON in a
// deterministic order. FileSources and storage.Sources say what a path or a
// storage URL given as a snapshot stands for.
//
// This package keeps the names the page, the CLI and share links have always
// used (Report, SnapshotReport, Analyze, Inspect…) as aliases of those
// packages'.
package parse
