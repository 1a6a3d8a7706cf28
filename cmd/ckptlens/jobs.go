package main

import (
	"fmt"
	"io"

	"github.com/ckptlens/ckptlens/parse"
)

// printJobs prints the jobs the snapshots belong to and the restores that
// link them, when there is more than one job.
func printJobs(w io.Writer, r *parse.Report) {
	g := r.Jobs
	if g == nil || len(g.Jobs) < 2 {
		return
	}
	fmt.Fprintf(w, "%d jobs; each snapshot is compared with the ones before it in its job and in the jobs it was restored from\n", len(g.Jobs))
	t := newTable("", "lrlrrl", "job", "snapshots", "restored from", "read then", "reads now", "folder")
	for _, job := range g.Jobs {
		from, then, now := "-", "-", "-"
		if job.Parent >= 0 || job.ParentDir != "" {
			from = shortFolder(job.ParentDir)
			if job.Parent >= 0 {
				from = g.Jobs[job.Parent].Name
			}
			then, now = size(job.Restored.Bytes), size(job.FromParent().Bytes)
		}
		t.add(job.Name, count(len(job.Snapshots)), from, then, now, job.Dir)
	}
	t.print(w)
	fmt.Fprintln(w)
}
