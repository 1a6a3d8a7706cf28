package plan

import (
	"sort"
	"strings"

	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// With entropy injection (s3.entropy.key) Flink writes each data file under
// a random segment in place of the key, and the _metadata under the same
// path with the key removed: s3://b/a7Xq/cp/<job>/shared/x beside
// s3://b/cp/<job>/chk-4/_metadata. The planner learns where that segment
// sits from paths that differ from a known job folder only by it, and
// removes it before matching, so one job stays one job.

// entropyRule says that keys of the form before/<segment>/after/... are
// before/after/... once the segment is removed.
type entropyRule struct{ before, after string }

type entropyRules struct {
	rules []entropyRule
	jobs  map[string]bool // job folder keys the rules must lead into
}

// learn records the rule that turns key k into a path inside a known job
// folder, when removing one segment above the job's own name does that.
func (r *entropyRules) learn(k string) bool {
	if r.inJob(k) {
		return false
	}
	segs := strings.Split(k, "/")
	for i := 2; i < len(segs)-1; i++ { // never the root nor the bucket
		cand := strings.Join(segs[:i], "/") + "/" + strings.Join(segs[i+1:], "/")
		job, ok := r.jobOf(cand)
		if !ok || i > strings.Count(job, "/") {
			continue // the segment must sit above the job folder's name
		}
		if _, inArea := paths.PlaceInFlinkLayout(cand); !inArea {
			continue // and leave a file of chk-N, shared/ or taskowned/
		}
		before := strings.Join(segs[:i], "/")
		after := strings.TrimPrefix(paths.KeyDir(job), before)
		rule := entropyRule{before: before, after: strings.TrimPrefix(after, "/")}
		for _, have := range r.rules {
			if have == rule {
				return true
			}
		}
		r.rules = append(r.rules, rule)
		sort.Slice(r.rules, func(a, b int) bool { return len(r.rules[a].before) > len(r.rules[b].before) })
		return true
	}
	return false
}

// canonical is k with its entropy segment removed, when a rule places it in
// a known job folder; k itself otherwise.
func (r *entropyRules) canonical(k string) string {
	if len(r.rules) == 0 || r.inJob(k) {
		return k
	}
	for _, rule := range r.rules {
		rest, ok := strings.CutPrefix(k, rule.before+"/")
		if !ok {
			continue
		}
		slash := strings.IndexByte(rest, '/')
		if slash <= 0 {
			continue
		}
		rest = rest[slash+1:]
		if rule.after != "" && !strings.HasPrefix(rest, rule.after+"/") {
			continue
		}
		if cand := rule.before + "/" + rest; r.inJob(cand) {
			return cand
		}
	}
	return k
}

// inJob reports whether k lies in a known job folder.
func (r *entropyRules) inJob(k string) bool {
	_, ok := r.jobOf(k)
	return ok
}

func (r *entropyRules) jobOf(k string) (string, bool) {
	for d := k; d != "/" && d != "." && d != ""; d = paths.KeyDir(d) {
		if r.jobs[d] {
			return d, true
		}
	}
	return "", false
}

// learnEntropy finds the entropy rules: from the snapshots' own paths, and
// with an entropy key given, from the listing too.
func (p *planner) learnEntropy() {
	p.entropy.jobs = map[string]bool{}
	for _, s := range p.snaps {
		if s.Kind == location.KindCheckpoint && s.JobDir != "" && paths.IsAbsolute(s.JobDir) {
			p.entropy.jobs[paths.Key(s.JobDir)] = true
		}
	}
	for _, k := range p.sv.metaKeys {
		// Flink writes _metadata without entropy: its job folder is plain.
		p.entropy.jobs[paths.KeyDir(paths.KeyDir(k))] = true
	}
	for _, s := range p.snaps {
		for _, f := range s.Files {
			if !f.Relative && paths.IsAbsolute(f.Path) {
				p.entropy.learn(paths.Key(f.Path))
			}
		}
	}
	if p.opts.EntropyKey != "" {
		p.read(func(_ int, e Entry) {
			if e.Key != "" && !e.Dir {
				p.entropy.learn(e.Key)
			}
		})
	}
}
