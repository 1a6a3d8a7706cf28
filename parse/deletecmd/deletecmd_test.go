package deletecmd

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/listing"
)

func TestScriptPerTool(t *testing.T) {
	for _, c := range []struct {
		tool    Tool
		targets []Target
		want    string
	}{
		{HDFS, []Target{{"hdfs://nn:8020/flink/job/chk-4", true}, {"hdfs://nn:8020/flink/job/shared/a b", false}},
			"hdfs dfs -rm -r 'hdfs://nn:8020/flink/job/chk-4'\nhdfs dfs -rm 'hdfs://nn:8020/flink/job/shared/a b'\n"},
		{AWS, []Target{{"s3a://bucket/job/chk-4/", true}, {"s3://bucket/job/shared/it's", false}},
			"aws s3 rm --recursive 's3://bucket/job/chk-4/'\naws s3 rm 's3://bucket/job/shared/it'\\''s'\n"},
		{GSUtil, []Target{{"gs://b/job/chk-4/", true}, {"gs://b/job/shared/$(reboot)", false}},
			"gsutil -m rm -r 'gs://b/job/chk-4/'\ngsutil -m rm 'gs://b/job/shared/$(reboot)'\n"},
		{Rclone, []Target{{"remote:flink/job/chk-4", true}, {"remote:flink/job/shared/x", false}},
			"rclone delete --rmdirs 'remote:flink/job/chk-4'\nrclone delete 'remote:flink/job/shared/x'\n"},
		{Xargs, []Target{{"file:/data/job/chk-4/", true}, {"/data/job/shared/`id`", false}},
			"printf '%s\\0' \\\n  '/data/job/chk-4/' \\\n  '/data/job/shared/`id`' \\\n  | xargs -0 rm -r --\n"},
	} {
		got, err := Script(c.tool, c.targets)
		if err != nil || got != c.want {
			t.Errorf("%s: %v\n%s\nwant\n%s", c.tool, err, got, c.want)
		}
	}
	if ToolFor(listing.FormatS3) != AWS || ToolFor(listing.FormatFindTimes) != Xargs || ToolFor(listing.FormatRclone) != Rclone {
		t.Error("ToolFor")
	}
}

// Paths no quoting makes safe are refused, and the plan gets no script.
func TestScriptRefusesUnsafePaths(t *testing.T) {
	for _, p := range []string{
		"s3://b/job/chk-4\nrm -rf /", "s3://b/job/a\rb", "s3://b/job/\u202egpj.exe", "s3://b/job/\x00x", "-rf",
		"s3://b", "s3://b/", "job/relative", "gs://b/x", "", "s3://b/job/\xff",
	} {
		out, err := Script(AWS, []Target{{"s3://b/job/ok", false}, {p, false}})
		var ue *UnsafePathError
		if !errors.As(err, &ue) || out != "" {
			t.Errorf("%q: %q, %v", p, out, err)
		}
	}
	if _, err := Script(Xargs, []Target{{"/", true}}); err == nil {
		t.Error("a command deleting / was made")
	}
}

// The quoted paths survive a real shell: hostile names reach the command as
// exactly one argument each, and nothing in them runs.
func TestQuotedPathsThroughARealShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	canary := filepath.Join(dir, "ran")
	names := []string{"a b", "it's", `"q"`, "$(touch ran)", "`touch ran`", "*", "x;touch ran", `back\slash`, "é ü", "-n"}
	var targets []Target
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, Target{Path: p})
	}
	keep := filepath.Join(dir, "keep")
	os.WriteFile(keep, nil, 0o644)
	script, err := Script(Xargs, targets)
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command(sh, "-c", script)
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s\n%s", err, out, script)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != "keep" {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left after the script: %q (only keep should be)", names)
	}
	// Every other tool's lines quote the same way: echo them through sh.
	for _, tool := range []Tool{HDFS, AWS, GSUtil, Rclone} {
		var ts []Target
		for _, n := range names {
			ts = append(ts, Target{Path: prefixFor(tool) + "job/" + n})
		}
		s, err := Script(tool, ts)
		if err != nil {
			t.Fatal(tool, err)
		}
		echo := strings.ReplaceAll(s, command(tool, false)+" ", "printf '%s\\n' ")
		cmd := exec.Command(sh, "-c", echo)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(tool, err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		for i, n := range names {
			if i >= len(got) || got[i] != prefixFor(tool)+"job/"+n {
				t.Errorf("%s: argument %d is %q, want %q", tool, i, got[min(i, len(got)-1)], prefixFor(tool)+"job/"+n)
			}
		}
	}
	if _, err := os.Stat(canary); err == nil {
		t.Error("a path ran a command")
	}
}

func prefixFor(tool Tool) string {
	return map[Tool]string{HDFS: "hdfs://nn/", AWS: "s3://b/", GSUtil: "gs://b/", Rclone: "remote:"}[tool]
}
