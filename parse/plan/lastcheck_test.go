package plan

import (
	"reflect"
	"sort"
	"testing"

	"github.com/ckptlens/ckptlens/parse/location"
)

// The last check sees through every spelling of one object, in both
// directions: a deletable folder holding a needed file, and a deletable
// path that a needed folder is or holds. Its hashes only point at what to
// compare: colliding, they change nothing.
func TestLastCheckSpellings(t *testing.T) {
	t.Run("hashed", checkSpellings)
	t.Run("collided", func(t *testing.T) {
		collide(t)
		checkSpellings(t)
	})
}

func checkSpellings(t *testing.T) {
	snap := Snapshot{Location: location.Location{Dir: "s3a://bkt/cp/job/chk-4"}, Files: []File{
		{Path: "s3://bkt/cp/job/shared/a%20b"},
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/job/shared/x"},
		{Path: "hdfs://nn:8020/flink/job/shared/y"},
		{Path: "file:///data/job/shared/z"},
		{Path: "relative", Relative: true},
	}}
	hit := []Item{
		{Path: "s3n://bkt//cp/job/shared/a b"},                           // the same file
		{Path: "wasbs://c@ACCT.blob.core.windows.net/cp/job", Dir: true}, // holds x
		{Path: "/flink/job/shared/y"},                                    // HDFS without its host
		{Path: "/data/./job/shared/", Dir: true},                         // holds z
		{Path: "s3://bkt/cp/job/chk-4/_metadata"},                        // the snapshot's own file
		{Path: "s3://bkt/cp/job/shared", Dir: true},                      // a protected folder
		{Path: "s3://bkt", Dir: true},                                    // the bucket
	}
	miss := []Item{
		{Path: "s3://bkt/cp/job/shared/a"},
		{Path: "s3://bkt/cp/job/shared/a b c"},
		{Path: "wasbs://c@other.blob.core.windows.net/cp/job/chk-4", Dir: true},
		{Path: "s3://bkt/cp/job/chk-3", Dir: true},
		{Path: "gs://bkt/cp/job/shared/x"},
	}
	got := lastCheck([]Snapshot{snap}, []string{"s3://bkt/cp/job/shared"}, append(append([]Item{}, hit...), miss...))
	var want []string
	for _, it := range hit {
		want = append(want, it.Path)
	}
	if len(got) != len(want) {
		t.Fatalf("hits %q, want %q", got, want)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("%s needs a needed path and was not caught: %q", w, got)
		}
	}
	if got := lastCheck([]Snapshot{snap}, nil, miss); !reflect.DeepEqual(got, []string{}) {
		t.Errorf("false alarms: %q", got)
	}
}

// A folder is deleted whole only when it is, or lies in, a chk-N folder:
// any other may receive files between the listing and the delete, however
// unneeded what it holds today.
func TestLastCheckOpenFolders(t *testing.T) {
	open := []Item{
		{Path: "s3://bkt/cp/job/shared", Dir: true},
		{Path: "s3://bkt/cp/job/taskowned/", Dir: true},
		{Path: "s3://bkt/7fQa", Dir: true}, // an entropy segment any job writes under
		{Path: "hdfs://nn/flink/job", Dir: true},
		{Path: "/data/chk-x", Dir: true},
		{Path: "s3://bkt/cp/job/shared/op_a__1__attempt_1/db", Dir: true},
	}
	closed := []Item{
		{Path: "s3://bkt/cp/job/chk-3", Dir: true},
		{Path: "s3a://bkt/7fQa/cp/job/chk-12/op/", Dir: true},
		{Path: "file:///data/job/chk-0", Dir: true},
		{Path: "s3://bkt/cp/job/shared/a"}, // a file: deleted alone
	}
	got := lastCheck(nil, nil, append(append([]Item{}, open...), closed...))
	var want []string
	for _, it := range open {
		want = append(want, it.Path)
	}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("caught %q, want %q", got, want)
	}
}

// lastCheck checks the deletable items of a plan (see lastChecker).
func lastCheck(snaps []Snapshot, protected []string, deletable []Item) []string {
	c := newLastChecker(snaps, protected)
	for _, it := range deletable {
		c.check(it.Path)
		if it.Dir {
			c.checkFolder(it.Path)
		}
	}
	return c.found()
}
