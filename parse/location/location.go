// Package location says where a snapshot lives, how that was found and
// what kind of folder it is: one type for the analysis, the planner, the
// page and the CLI, with one wording.
package location

import "strings"

// Location is where a snapshot lives, as far as it can be known.
type Location struct {
	// Dir is the snapshot's own folder (its chk-N, savepoint folder or SlateDB
	// root), in the spelling it came from; "" when unknown.
	Dir string `json:"dir"`
	// From says how Dir was found; "" when it is unknown.
	From LocatedBy `json:"from"`
	Kind Kind      `json:"kind,omitempty"`
	// JobDir is the job's checkpoint folder, the parent of chk-N, shared/
	// and taskowned/; "" for savepoints and when unknown.
	JobDir string `json:"jobDir,omitempty"`
	// ReadFrom is the folder the file was read from when that is a copy of
	// the snapshot's real folder (Dir then comes from its absolute paths).
	ReadFrom string `json:"readFrom,omitempty"`
}

// LocatedBy is how a snapshot's folder was found.
type LocatedBy string

const (
	FromBase          LocatedBy = "base"           // given by the user
	FromReadPath      LocatedBy = "read-path"      // the folder it was read from
	FromAbsolutePaths LocatedBy = "absolute-paths" // the folder its own absolute paths point to
	FromListing       LocatedBy = "listing"        // the listed folder holding a _metadata of its size and all its relative files
)

// Kind is what a snapshot's folder is.
type Kind string

const (
	KindCheckpoint Kind = "checkpoint" // a chk-N folder
	KindSavepoint  Kind = "savepoint"  // a savepoint folder
	KindDatabase   Kind = "database"   // a SlateDB database's root
	KindFolder     Kind = "folder"     // anything else
)

// Explain says where the snapshot lives and how that was found, in the
// words the page and the CLI both show. They differ only in how a user
// gives a base location: given is said of one the user gave ("given with
// --base"), give asks for one ("give --base").
func (l Location) Explain(given, give string) string {
	if l.Dir == "" {
		return "unknown (" + give + " to place relative files)"
	}
	how := l.How(given)
	if l.ReadFrom != "" {
		how += "; read from the copy in " + l.ReadFrom
	}
	if how = strings.TrimPrefix(how, "; "); how == "" {
		return l.Dir
	}
	return l.Dir + " (" + how + ")"
}

// How says how the folder was found; given is said of a base the user
// gave.
func (l Location) How(given string) string {
	switch l.From {
	case FromBase:
		return given
	case FromReadPath:
		return "the folder it was read from"
	case FromAbsolutePaths:
		return "from its own absolute paths"
	case FromListing:
		return "found in the listing: a _metadata of its size beside all its files"
	}
	return ""
}
