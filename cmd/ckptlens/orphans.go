package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/listing"
)

func init() {
	register("orphans", "plan what a storage listing holds that no given snapshot needs", orphans)
}

const orphansUsage = `usage: ckptlens orphans --listing FILE [--prefix PREFIX] [--json | --paths] [--base LOC] SNAPSHOT...

Compares a storage listing with every file the given snapshots reference and
lists what none of them needs: whole folders first, then single files, each
with the reason, and what the plan cannot know. Give every checkpoint and
savepoint you want to keep.

--listing FILE   the output of one of:
                   hdfs dfs -ls -R DIR
                   aws s3 ls --recursive s3://bucket/DIR/
                   gsutil ls -l -r gs://bucket/DIR   (or gcloud storage ls -l -r)
                   rclone lsl REMOTE:DIR             (or rclone ls)
                   find DIR -printf '%s %p\n'
--prefix PREFIX  what relative listing paths are relative to (aws s3 ls
                 prints keys without the bucket: --prefix s3://bucket/;
                 rclone paths under the listed DIR: --prefix s3://bucket/DIR/);
                 inferred from the snapshots' paths when not given
--base LOC       the folder of the snapshot after it
--json           print the whole report as one JSON object
--paths          print only what is safe to delete, one path a line (a
                 folder ends in /), for your storage's delete command once
                 you have reviewed the plan

A SlateDB database folder stands for its newest manifest and the manifests
its checkpoints pin. Nothing is deleted: the plan is printed for a person to
review.
`

func orphans(args []string, stdout, stderr io.Writer) int {
	asJSON, asPaths, help := false, false, false
	listingPath, prefix := "", ""
	sa, err := parseArgs(args, map[string]*string{"listing": &listingPath, "prefix": &prefix},
		map[string]*bool{"json": &asJSON, "paths": &asPaths, "h": &help, "help": &help})
	if help {
		io.WriteString(stdout, orphansUsage)
		return 0
	}
	if err == nil && listingPath == "" {
		err = fmt.Errorf("--listing FILE is required")
	}
	if err == nil && asJSON && asPaths {
		err = fmt.Errorf("--json and --paths print different things: give one")
	}
	if err != nil || len(sa.inputs) == 0 {
		if err != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
		}
		io.WriteString(stderr, orphansUsage)
		return 2
	}
	f, err := os.Open(listingPath)
	if err != nil {
		fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
		return 1
	}
	l, err := listing.Parse(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "ckptlens orphans: %s: %v\n", listingPath, err)
		return 1
	}
	inputs, failed := decodeAll(sa, "orphans", stderr)
	inputs, failedPinned := withPinnedManifests(sa, inputs, stderr)
	if failed += failedPinned; failed > 0 {
		// A partly decoded snapshot names only some of its files: a plan
		// from it would call needed files deletable.
		fmt.Fprintf(stderr, "ckptlens orphans: no plan: %d snapshot(s) could not be decoded completely\n", failed)
		return 1
	}
	r := parse.Analyze(inputs, parse.Options{Listing: l, ListingPrefix: prefix})
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
			return 1
		}
		return 0
	}
	if asPaths {
		io.WriteString(stdout, r.Orphans.DeletableList())
		return 0
	}
	printOrphans(stdout, r)
	return 0
}

// withPinnedManifests adds, for a SlateDB database given as its folder, the
// manifests its checkpoints pin: keeping a database keeps them alive, and
// without them no compacted SST could be judged deletable. failed counts
// those that could not be decoded completely, as decodeAll does.
func withPinnedManifests(sa snapshotArgs, inputs []parse.Input, stderr io.Writer) (_ []parse.Input, failed int) {
	given := map[string]bool{}
	for _, in := range inputs {
		given[in.Snapshot.Source] = true
	}
	for i, p := range sa.inputs {
		if st, err := os.Stat(p); err != nil || !st.IsDir() || inputs[i].Snapshot.SlateDB == nil {
			continue
		}
		for _, m := range parse.LiveDatabaseManifests(p, inputs[i].Snapshot) {
			abs, _ := filepath.Abs(m)
			if given[abs] {
				continue
			}
			s, err := parse.DecodeFile(abs)
			if err != nil {
				fmt.Fprintf(stderr, "ckptlens orphans: %s: %v\n", m, err)
				failed++
			}
			given[abs] = true
			fmt.Fprintf(stderr, "ckptlens orphans: %s: also %s, which its checkpoints pin\n", p, filepath.Base(m))
			inputs = append(inputs, parse.Input{Snapshot: s, Base: sa.bases[i]})
		}
	}
	return inputs, failed
}
