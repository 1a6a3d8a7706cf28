package slatedb

import (
	"reflect"
	"testing"
)

// Per folder, the newest manifest (by id, not by name) and those its
// checkpoints pin; names that are not manifests, and pins of manifests not
// named, are left out.
func TestLiveManifests(t *testing.T) {
	names := []string{
		"a/manifest/9.manifest", "a/manifest/10.manifest", "a/manifest/00000000000000000004.manifest",
		"a/manifest/7.manifest", "a/manifest/11.manifest.tmp", "a/listing.txt",
		`b\manifest\00000000000000000002.manifest`, `b\manifest\00000000000000000003.manifest`,
	}
	pinned := map[string][]uint64{"a/manifest/10.manifest": {4, 9, 5}, `b\manifest\00000000000000000003.manifest`: {3}}
	var asked []string
	got := LiveManifests(names, func(n string) []uint64 { asked = append(asked, n); return pinned[n] })
	want := []string{"a/manifest/9.manifest", "a/manifest/10.manifest", "a/manifest/00000000000000000004.manifest",
		`b\manifest\00000000000000000003.manifest`}
	if !reflect.DeepEqual(got, want) || len(asked) != 2 {
		t.Errorf("live %q (pins asked of %q), want %q", got, asked, want)
	}
	if got := LiveManifests(names, nil); !reflect.DeepEqual(got, []string{"a/manifest/10.manifest", `b\manifest\00000000000000000003.manifest`}) {
		t.Errorf("newest alone: %q", got)
	}
}

// The newest compactions file of each folder is live (the compactor's
// current state); older ones and look-alike names are not.
func TestLiveCompactions(t *testing.T) {
	names := []string{
		"a/manifest/1.manifest", "a/compactions/00000000000000000009.compactions",
		"a/compactions/00000000000000000010.compactions", "a/compactions/11.compactions.tmp",
		"b/compactions/2.compactions",
	}
	got := LiveManifests(names, nil)
	want := []string{"a/manifest/1.manifest", "a/compactions/00000000000000000010.compactions", "b/compactions/2.compactions"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("live %q, want %q", got, want)
	}
}
