package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
)

// world is generated storage: jobs of incremental checkpoints, the
// snapshots given, and a listing of it spelled and damaged at random. Every
// listed path knows the object it names, so the test judges the plan by
// identity, not by any path matching of the planner's.
type world struct {
	snaps   []Snapshot
	text    string
	ids     map[string]int // listed path → object
	needed  map[int]bool   // objects a given snapshot references
	objects int
	opts    Options
	damaged bool // the listing was cut, duplicated or misspelled
}

type storage struct{ plain, listed, entropy string }

var storages = []storage{
	{"s3://bkt/cp", "s3a://bkt/cp", "s3://bkt/%s/cp"},
	{"file:/data/cp", "/data//cp", "file:/data/%s/cp"},
	{"hdfs://nn:8020/flink/cp", "/flink/cp", "hdfs://nn:8020/flink/%s/cp"},
	{"abfss://c@acct.dfs.core.windows.net/cp", "wasbs://c@acct.blob.core.windows.net/cp", "abfss://c@acct.dfs.core.windows.net/%s/cp"},
}

func generate(r *rand.Rand) *world {
	w := &world{ids: map[string]int{}, needed: map[int]bool{}}
	st := storages[r.IntN(len(storages))]
	entropy := r.IntN(3) == 0
	times := r.IntN(2) == 0
	w.opts.Stopped = r.IntN(2) == 0
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var lines []string
	list := func(plainPath string, bytes int64, at time.Time, id int) {
		p := strings.Replace(plainPath, st.plain, st.listed, 1)
		w.ids[p] = id
		if times {
			lines = append(lines, fmt.Sprintf("%d.%09d %d %s", at.Unix(), at.Nanosecond(), bytes, p))
		} else {
			lines = append(lines, fmt.Sprintf("%d %s", bytes, p))
		}
	}
	for j := range 1 + r.IntN(3) {
		w.generateJob(r, st, j, entropy, t0, list)
	}
	w.damage(r, &lines)
	w.text = strings.Join(lines, "\n") + "\n"
	return w
}

// generateJob writes one job's checkpoints: shared files carried from one
// checkpoint to the next, exclusive files, some checkpoints given.
func (w *world) generateJob(r *rand.Rand, st storage, j int, entropy bool, t0 time.Time, list func(string, int64, time.Time, int)) {
	data := func(rel string) string {
		if entropy {
			return fmt.Sprintf(st.entropy, fmt.Sprintf("e%03d", r.IntN(1000))) + "/" + rel
		}
		return st.plain + "/" + rel
	}
	job := fmt.Sprintf("%032x", j+1)
	var carried []File
	n := 2 + r.IntN(4)
	for c := 1; c <= n; c++ {
		at := t0.Add(time.Duration(c) * time.Hour)
		chk := fmt.Sprintf("%s/%s/chk-%d", st.plain, job, c)
		var files []File
		for _, f := range carried {
			if r.IntN(3) > 0 {
				files = append(files, f)
			}
		}
		for k := range 1 + r.IntN(3) {
			p := data(fmt.Sprintf("%s/shared/s%d-%d", job, c, k))
			w.objects++
			list(p, 100, at.Add(-time.Minute), w.objects)
			files = append(files, File{Path: p, Bytes: 100, Kind: model.KindShared})
		}
		carried = files
		ex := data(fmt.Sprintf("%s/chk-%d/x%d", job, c, c))
		w.objects++
		list(ex, 10, at.Add(-time.Minute), w.objects)
		all := append(append([]File{}, files...), File{Path: ex, Bytes: 10, Resolved: !entropy})
		inProgress := c == n && r.IntN(4) == 0
		if inProgress {
			continue // no _metadata yet
		}
		w.objects++
		list(chk+"/_metadata", 500, at, w.objects)
		if c == n || r.IntN(3) == 0 {
			w.give(Snapshot{Label: fmt.Sprintf("%s/chk-%d", job[:8], c), Format: model.FormatFlink, Location: location.Location{Dir: chk, From: location.FromReadPath, Kind: location.KindCheckpoint, JobDir: st.plain + "/" + job}, CheckpointID: int64(c), Files: all}, chk+"/_metadata")
		}
	}
}

func (w *world) give(s Snapshot, meta string) {
	w.snaps = append(w.snaps, s)
	for p, id := range w.ids {
		for _, f := range append(s.Files, File{Path: meta}) {
			if sameObject(p, f.Path) {
				w.needed[id] = true
			}
		}
	}
}

// sameObject compares a listed spelling with a plain one the way the
// generator spells them, nothing more.
func sameObject(listed, plain string) bool {
	for _, st := range storages {
		if strings.Replace(plain, st.plain, st.listed, 1) == listed {
			return true
		}
	}
	return listed == plain
}

// damage cuts, duplicates and misspells the listing at random.
func (w *world) damage(r *rand.Rand, lines *[]string) {
	l := *lines
	r.Shuffle(len(l), func(a, b int) { l[a], l[b] = l[b], l[a] })
	switch r.IntN(6) {
	case 0: // cut short, mid-line
		if len(l) > 1 {
			last := l[len(l)-1]
			l[len(l)-1] = last[:len(last)/2]
			w.damaged = true
		}
	case 1: // a duplicate line
		l = append(l, l[r.IntN(len(l))])
	case 2: // a folder listed as a file
		p := l[r.IntN(len(l))]
		dir := p[:strings.LastIndexByte(p, '/')]
		l = append(l, dir[strings.LastIndexByte(dir, ' ')+1:])
		w.damaged = true
	case 3: // lines lost
		l = l[:len(l)-1-r.IntN(len(l)/2+1)]
		w.damaged = true
	}
	*lines = l
}

// TestPlanNeverListsNeededFiles: over generated jobs, spellings, entropy,
// cut and duplicated listings, no deletable path names or holds an object
// a given snapshot references, and the last check never fires.
func TestPlanNeverListsNeededFiles(t *testing.T) {
	plans := 0
	for seed := range uint64(400) {
		w := generate(rand.New(rand.NewPCG(seed, 7)))
		if checkWorld(t, seed, w) {
			plans++
		}
	}
	if plans < 100 {
		t.Errorf("only %d of 400 generated worlds made a plan with deletable files: the test proves little", plans)
	}
}

func FuzzPlan(f *testing.F) {
	for s := range uint64(8) {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkWorld(t, a, generate(rand.New(rand.NewPCG(a, b))))
	})
}

// checkWorld plans w and reports whether anything was deletable.
func checkWorld(t *testing.T, seed uint64, w *world) bool {
	t.Helper()
	l, err := listing.Parse(strings.NewReader(w.text))
	if l == nil || l.Format == "" {
		return false
	}
	w.opts.ListingError = err
	p := Make(w.snaps, l, w.opts)
	checkStreamed(t, seed, w, l, p)
	if len(p.LastCheck) > 0 {
		t.Errorf("seed %d: the last check fired: %v", seed, p.LastCheck)
	}
	if p.Refused() && len(p.Deletable) > 0 {
		t.Errorf("seed %d: refused, yet %d deletable", seed, len(p.Deletable))
	}
	for listed, id := range w.ids {
		if !w.needed[id] {
			continue
		}
		for _, it := range p.Deletable {
			if it.Path == listed || it.Dir && strings.HasPrefix(listed, it.Path+"/") {
				t.Errorf("seed %d: deletable %s holds %s, which a given snapshot needs", seed, it.Location(), listed)
			}
		}
	}
	return len(p.Deletable) > 0
}
