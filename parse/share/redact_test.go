package share

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRedactReplacesNamesAndKeepsStructure(t *testing.T) {
	js, _ := json.Marshal(sample())
	out, r, err := Redact(js)
	if err != nil {
		t.Fatal(err)
	}
	var got sampleReport
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := sampleReport{
		Format: "flink-savepoint-v3",
		Base:   "s3://bucket-2/jobs/7f3a/chk-4812",
		Folder: []sampleFolder{
			{"s3://bucket-2/jobs/7f3a/chk-4812", "exclusive", 12, 1 << 40},
			{"s3://bucket-2/jobs/7f3a/shared", "shared", 3012, 9007199254740993},
			{"hdfs://user-1@host-1:8020/user/user-1/flink/chk-1", "foreign", 1, 7},
			{"file:/home/user-2/flink/checkpoints/taskowned", "taskowned", 0, 0},
		},
		Bytes: map[string]int64{"s3://bucket-1/x": 5},
	}
	wantJS, _ := json.Marshal(want)
	gotJS, _ := json.Marshal(got)
	if string(wantJS) != string(gotJS) {
		t.Fatalf("redacted:\n got %s\nwant %s", gotJS, wantJS)
	}
	for _, secret := range []string{"prod-ckpt", "other-team", "namenode", "corp.example", "alice", "secret", "bob"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("%q survived redaction: %s", secret, out)
		}
	}
	if len(r.Buckets) != 2 || len(r.Hosts) != 1 || len(r.Users) != 2 || r.Count() != 5 {
		t.Errorf("redaction summary %v: %+v", r, r)
	}
	if r.Buckets["prod-ckpt"] != "bucket-2" || r.Users["alice"] != "user-1" {
		t.Errorf("mapping %+v", r)
	}
}

func TestRedactIsDeterministic(t *testing.T) {
	js, _ := json.Marshal(sample())
	first, _, _ := Redact(js)
	for range 20 {
		again, _, _ := Redact(js)
		if string(again) != string(first) {
			t.Fatalf("placeholders depend on map order:\n%s\n%s", first, again)
		}
	}
}

func TestRedactStores(t *testing.T) {
	cases := map[string]string{
		"gs://my-bucket/a/b":                                "gs://bucket-1/a/b",
		"s3a://acme-data/flink/shared/1f2e":                 "s3a://bucket-1/flink/shared/1f2e",
		"abfss://ckpts@acmeprod.dfs.core.windows.net/job/x": "abfss://bucket-1@host-1/job/x",
		"oss://b.oss-cn-hangzhou.aliyuncs.com/x":            "oss://bucket-1/x",
		"hdfs://10.0.0.7:9000/flink/x":                      "hdfs://host-1:9000/flink/x",
		"viewfs://cluster1/user/carol/x":                    "viewfs://host-1/user/user-1/x",
		"file:///Users/dave/ckpt":                           "file:///Users/user-1/ckpt",
		"C:\\Users\\erin\\flink\\chk-3":                     "C:\\Users\\user-1\\flink\\chk-3",
		"hdfs://[fe80::1]:8020/x":                           "hdfs://host-1:8020/x",
		"could not read s3://secret-bucket/chk-1/_metadata": "could not read s3://bucket-1/chk-1/_metadata",
		"chk-4812/shared/taskowned":                         "chk-4812/shared/taskowned",
		"operator uid: source-1":                            "operator uid: source-1",
	}
	for in, want := range cases {
		js, _ := json.Marshal(map[string]string{"p": in})
		out, _, err := Redact(js)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		json.Unmarshal(out, &got)
		if got["p"] != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got["p"], want)
		}
	}
}

func TestRedactKeepsNumbersExact(t *testing.T) {
	in := `{"n":[9007199254740993,1.5e300,-0,18446744073709551615],"s3://b/x":{"size":123}}`
	out, _, err := Redact(json.RawMessage(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":[9007199254740993,1.5e300,-0,18446744073709551615],"s3://bucket-1/x":{"size":123}}`; string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
}

func TestRedactRejectsNonJSON(t *testing.T) {
	if _, _, err := Redact(json.RawMessage(`{"a":`)); err == nil {
		t.Fatal("accepted truncated JSON")
	}
}
