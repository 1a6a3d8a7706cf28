package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// unknowns says, in words, what the plan could not know and so kept.
func (p *planner) unknowns(out *Plan) []string {
	var s []string
	var notGiven []string
	for _, k := range sortedKeys(p.chks) {
		if c := p.chks[k]; !c.given && !c.kept && c.hasMeta {
			notGiven = append(notGiven, c.shown)
		}
	}
	if len(notGiven) > 0 {
		s = append(s, fmt.Sprintf("%s in the listing %s not given (%s); what no given snapshot references in them is planned for deletion. Give the _metadata of every checkpoint or savepoint you want to keep.",
			plural(len(notGiven), "completed checkpoint"), byCount("was", "were", len(notGiven)), strings.Join(shorten(notGiven, 3), ", ")))
	}
	for _, jk := range sortedKeys(p.jobs) {
		j := p.jobs[jk]
		if len(j.inProgress) > 0 {
			s = append(s, fmt.Sprintf("%s has no _metadata and is newer than the given checkpoints: a checkpoint in progress. It, and the job's unreferenced shared and task-owned files, are kept.", strings.Join(shorten(j.inProgress, 3), ", ")))
		}
		if len(j.newer) > 0 {
			s = append(s, fmt.Sprintf("%s completed after the given checkpoints and was not given: give its _metadata to decide; until then the job's unreferenced shared files are kept.", strings.Join(shorten(j.newer, 3), ", ")))
		}
	}
	switch {
	case !out.Listing.HasTimes && !p.opts.Stopped && len(p.jobs) > 0:
		s = append(s, "The listing has no modification times: a running job may have written shared, task-owned, file-merging, changelog or ForSt files after its newest given checkpoint, so those are kept. List with times (find -printf '%T@ %s %p\\n', hdfs dfs -ls -R, aws s3 ls, gsutil ls -l, rclone lsl), or state that the job is stopped once it is (--stopped, or the page's box \"The jobs are stopped\").")
	case out.Listing.HasTimes && len(p.jobs) > 0:
		s = append(s, fmt.Sprintf("Files written after each job's newest given checkpoint, less a margin of %s for clock skew and concurrent checkpoints, are kept: a running job may still need them.", p.opts.Margin))
	}
	if len(p.entropy.rules) > 0 {
		s = append(s, fmt.Sprintf("Entropy injection: %s learned, so each job's files under random prefixes are judged as the job's own.", plural(len(p.entropy.rules), "entropy segment position")))
	}
	if out.Listing.Prefix == "" {
		for _, u := range out.Unsure {
			if strings.HasPrefix(u.Reason, "relative listing entry") {
				s = append(s, "The listing prints paths without their bucket or root and none could be matched to the snapshots: give the prefix they are relative to (--prefix s3://bucket/), or place the snapshots with their full location (--base), from which the prefix is found.")
				break
			}
		}
	}
	if kept := p.jobsNotGiven(); len(kept) > 0 {
		s = append(s, fmt.Sprintf("%s in the listing %s none of the given snapshots (%s): %s kept whole. A job may still be running, or be restored from, whatever its age: give its newest checkpoint to plan it, or delete its folder yourself once you know it is gone.",
			plural(len(kept), "job folder"), byCount("holds", "hold", len(kept)), strings.Join(shorten(kept, 3), ", "), byCount("it is", "they are", len(kept))))
	}
	s = append(s, p.slateDBUnknowns()...)
	for _, snap := range p.snaps {
		if snap.Format == model.FormatFlink {
			s = append(s, "Jobs restored from these checkpoints (in CLAIM or LEGACY mode, or in NO_CLAIM mode before their first checkpoint completes) read their files: give those jobs' newest checkpoints too. Only the snapshots given were considered.")
			break
		}
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func first(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return fmt.Sprintf("%s and %d more", s[0], len(s)-1)
}

func shorten(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string{}, s[:n]...), fmt.Sprintf("and %d more", len(s)-n))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// byCount is one when n is 1, many otherwise.
func byCount(one, many string, n int) string {
	if n == 1 {
		return one
	}
	return many
}
