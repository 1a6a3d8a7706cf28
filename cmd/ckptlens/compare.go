package main

import (
	"fmt"
	"io"

	"github.com/ckptlens/ckptlens/parse"
)

func init() {
	register("compare", "show what several snapshots share, depend on and add", compare)
}

const compareUsage = `usage: ckptlens compare [--json] [--max-model SIZE] [--base LOC] SNAPSHOT [--base LOC] SNAPSHOT...

SNAPSHOT is a Flink _metadata file, a checkpoint or savepoint folder holding
one, or a SlateDB manifest. --base LOC gives the folder of the snapshot after
it (needed for savepoints read from elsewhere, to place relative files).
Snapshots are grouped by the job that wrote them (jobs restored from another
in CLAIM or LEGACY mode are linked to it) and ordered job by job, oldest
first, labelled <job id, first 8>/chk-N. For each: its files, those shared
with the others, what it adds to the older ones of its chain, what it drops
from the one before it there, and the folders it depends on. Then every
shared file with the snapshot that first references (uploaded) it.
--json prints the whole report as one JSON object. --max-model SIZE is the
most memory one snapshot's model may take (2GB by default, as in the page).
`

func compare(args []string, stdout, stderr io.Writer) int {
	asJSON, help := false, false
	sa, err := parseArgs(args, nil, map[string]*bool{"json": &asJSON, "h": &help, "help": &help})
	if help {
		fmt.Fprint(stdout, compareUsage)
		return 0
	}
	if err != nil || len(sa.inputs) == 0 {
		if err != nil {
			fmt.Fprintf(stderr, "ckptlens compare: %v\n", err)
		}
		fmt.Fprint(stderr, compareUsage)
		return 2
	}
	r, failed := loadArgs(sa, "compare", parse.Options{}, true, stderr)
	if asJSON {
		if err := parse.WriteReportJSON(stdout, r); err != nil {
			fmt.Fprintf(stderr, "ckptlens compare: %v\n", err)
			return 1
		}
	} else if r.Comparison != nil {
		printComparison(stdout, r)
	} else {
		// One snapshot: nothing to compare; show its own analysis.
		s := r.Snapshots[0]
		fmt.Fprintln(stdout, s.Source)
		printAnalysis(stdout, s)
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "ckptlens compare: %d snapshot(s) were only partly decoded; their files may be incomplete\n", failed)
		return 1
	}
	return 0
}
