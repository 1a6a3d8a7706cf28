package jobs

import (
	"reflect"
	"testing"
)

func chk(job string, id int64, reads ...Read) Snapshot {
	return Snapshot{JobKey: "/cp/" + job, JobDir: "s3://b/cp/" + job, Name: "chk-" + string(rune('0'+id)), ID: id, Reads: reads}
}

func readOf(job string, bytes int64) Read {
	return Read{JobKey: "/cp/" + job, JobDir: "s3://b/cp/" + job, Files: 1, Bytes: bytes}
}

// A job restored twice reads from its parent and its grandparent: the
// parent is the one that itself reads from another.
func TestGroupRestoreChain(t *testing.T) {
	const a, b, c = "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"
	snaps := []Snapshot{
		chk(c, 7, readOf(a, 10), readOf(b, 20)), chk(c, 8),
		chk(a, 2), chk(b, 5, readOf(a, 30)), chk(a, 1),
		{Name: "chk-3", ID: 3}, // its job is not known
		{SavepointJob: "bbbbbb", Name: "savepoint-bbbbbb-0123456789ab", ID: 6},
		{SavepointJob: "dddddd", Name: "savepoint-dddddd-0123456789ab", ID: 9},
	}
	g := Group(snaps)
	if want := []int{4, 2, 3, 6, 0, 1, 7, 5}; !reflect.DeepEqual(g.Order, want) {
		t.Errorf("order %v, want %v", g.Order, want)
	}
	want := []string{"cccccccc/chk-7", "cccccccc/chk-8", "aaaaaaaa/chk-2", "bbbbbbbb/chk-5", "aaaaaaaa/chk-1", "chk-3",
		"savepoint-bbbbbb-0123456789ab", "savepoint-dddddd-0123456789ab"}
	if !reflect.DeepEqual(g.Labels, want) {
		t.Errorf("labels %q", g.Labels)
	}
	ja, jb, jc := g.JobOf[2], g.JobOf[3], g.JobOf[0]
	if g.Jobs[jb].Parent != ja || g.Jobs[jc].Parent != jb || g.Jobs[ja].Parent != -1 || g.JobOf[6] != jb || g.JobOf[5] != -1 {
		t.Errorf("jobs %+v, of %v", g.Jobs, g.JobOf)
	}
	// chk-7's chain: the parent's newest older snapshot (the savepoint).
	if want := []int{6, 0, 4, 2, -1, -1, 3, -1}; !reflect.DeepEqual(g.Previous, want) {
		t.Errorf("previous %v, want %v", g.Previous, want)
	}
	if !g.Before(4, 0) || !g.Before(3, 1) || g.Before(0, 3) || g.Before(5, 0) || g.Before(1, 0) {
		t.Error("Before does not follow the chains")
	}
	if r := g.Jobs[jc].FromParent(); r.Bytes != 0 || g.Jobs[jc].Restored.Bytes != 20 {
		t.Errorf("c still reads %+v from b, restored %+v", r, g.Jobs[jc].Restored)
	}
}

// Jobs that read from each other (inconsistent input) still order, and
// equal names are made distinct.
func TestGroupCycleAndCopies(t *testing.T) {
	snaps := []Snapshot{chk("x", 1, readOf("y", 5)), chk("y", 2, readOf("x", 5)), chk("x", 1)}
	g := Group(snaps)
	if len(g.Order) != 3 {
		t.Fatalf("order %v", g.Order)
	}
	if g.Labels[0] == g.Labels[2] {
		t.Errorf("labels %q", g.Labels)
	}
	for j, job := range g.Jobs {
		if job.Parent >= 0 && g.Jobs[job.Parent].Parent == j {
			t.Errorf("jobs %d and %d are each other's parent", j, job.Parent)
		}
	}
}

// A grouping read from a link is checked before use: any index out of
// place, or parents in a cycle, make it invalid.
func TestValid(t *testing.T) {
	snaps := []Snapshot{chk("x", 1), chk("y", 2, readOf("x", 5)), chk("y", 3)}
	if g := Group(snaps); !g.Valid(3) || g.Valid(2) {
		t.Fatal("a grouping Group made is not valid for its snapshots only")
	}
	for _, spoil := range []func(g *Grouping){
		func(g *Grouping) { g.Order[0] = g.Order[1] },
		func(g *Grouping) { g.JobOf[2] = 7 },
		func(g *Grouping) { g.Jobs[1].Snapshots = append(g.Jobs[1].Snapshots, 9) },
		func(g *Grouping) { g.Jobs[0].Parent = 1 }, // x ← y ← x
		func(g *Grouping) { g.Previous[1] = -2 },
		func(g *Grouping) { g.Labels = g.Labels[:1] },
	} {
		g := Group(snaps)
		spoil(g)
		if g.Valid(3) {
			t.Errorf("spoilt grouping %+v is valid", g)
		}
	}
	var none *Grouping
	if none.Valid(0) {
		t.Error("no grouping is valid")
	}
}
