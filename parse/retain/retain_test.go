package retain

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ckptlens/ckptlens/parse/listing"
)

func TestFindAndKeep(t *testing.T) {
	var entries []listing.Entry
	for _, p := range []string{
		"s3://b/cp/jobA/chk-9/_metadata", "s3://b/cp/jobA/chk-10/_metadata", "s3://b/cp/jobA/chk-8/_metadata",
		"s3://b/cp/jobA/chk-11/x", // in progress: no _metadata
		"s3://b/cp/jobA/shared/sst", "s3://b/cp/jobB/chk-3/_metadata",
		"s3://b/cp/savepoints/savepoint-aaaaaa-0123456789ab/_metadata", "s3://b/cp/jobA/chk-x/_metadata",
		"s3://b/cp/db/manifest/00000000000000000002.manifest", "s3://b/cp/db/manifest/00000000000000000010.manifest",
		"s3://b/cp/db/wal/00000000000000000001.sst",
		"s3://b/cp/db/compactions/00000000000000000003.compactions", "s3://b/cp/db/compactions/00000000000000000004.compactions",
		"s3://b/cp/lonely/compactions/00000000000000000001.compactions",
	} {
		entries = append(entries, listing.Entry{Path: p})
	}
	entries = append(entries, listing.Entry{Path: "s3://b/cp/jobC/chk-1/_metadata", Dir: true})
	f := Find(entries)
	got := f.Kept(2)
	want := []string{"s3://b/cp/jobA/chk-10/_metadata", "s3://b/cp/jobA/chk-9/_metadata", "s3://b/cp/jobB/chk-3/_metadata",
		"s3://b/cp/jobA/chk-x/_metadata", "s3://b/cp/savepoints/savepoint-aaaaaa-0123456789ab/_metadata"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %q\nwant %q", got, want)
	}
	if len(f.Databases) != 1 || f.Databases[0].Root != "s3://b/cp/db" {
		t.Fatalf("databases %+v", f.Databases)
	}
	// Every manifest and compactions file, which parse.Load chooses from.
	if db := f.Databases[0]; !slices.Contains(db.Manifests, "s3://b/cp/db/manifest/00000000000000000010.manifest") ||
		!slices.Contains(db.Compactions, "s3://b/cp/db/compactions/00000000000000000004.compactions") {
		t.Errorf("database files %+v", db)
	}
	if kept := f.Kept(1); len(kept) != 4 {
		t.Errorf("--keep-latest 1 kept %q", kept)
	}
}
