package paths

import "testing"

func TestKeyForgetsSpelling(t *testing.T) {
	same := [][]string{
		{"file:/tmp/x/y", "file:///tmp/x/y", "/tmp/x/y", "/tmp//x/./y/"},
		{"s3://b/k/x", "s3a://b/k/x", "s3n://b/k//x"},
		{"abfss://c@acct.dfs.core.windows.net/cp/x", "wasbs://c@acct.blob.core.windows.net/cp/x", "abfs://c@ACCT.DFS.core.windows.net/cp/x"},
	}
	for _, group := range same {
		for _, p := range group[1:] {
			if Key(p) != Key(group[0]) {
				t.Errorf("Key(%q) = %q, Key(%q) = %q: want equal", p, Key(p), group[0], Key(group[0]))
			}
		}
	}
	differ := [][2]string{
		{"abfss://c@acct.dfs.core.windows.net/x", "abfss://c@other.dfs.core.windows.net/x"},
		{"abfss://c@acct.dfs.core.windows.net/x", "abfss://d@acct.dfs.core.windows.net/x"},
		{"/tmp/x", "tmp/x"},
	}
	for _, d := range differ {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) == Key(%q) = %q", d[0], d[1], Key(d[0]))
		}
	}
}

func TestForStWorkingFolder(t *testing.T) {
	job, folder, ok := ForStWorkingFolder("/cp/9f3a/shared/op_StreamMap_1c32c8__2_4__attempt_1/db/000042.sst")
	if !ok || job != "/cp/9f3a" || folder != "/cp/9f3a/shared/op_StreamMap_1c32c8__2_4__attempt_1" {
		t.Errorf("ForSt working folder: %q %q %v", job, folder, ok)
	}
	for _, k := range []string{
		"/cp/9f3a/shared/0a1b2c3d-sst",                    // an incremental upload
		"/cp/9f3a/shared/job_9f3a_op_1c32_0_4/0a1b",       // file merging
		"/cp/9f3a/shared/op_StreamMap__attempt_1/other/x", // not db/
		"/shared/op_StreamMap__attempt_1/db/x",            // no job folder
	} {
		if _, _, ok := ForStWorkingFolder(k); ok {
			t.Errorf("%s taken for ForSt's working folder", k)
		}
	}
}
