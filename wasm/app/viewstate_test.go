package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

func TestViewFragmentRoundTrip(t *testing.T) {
	v := ViewState{Snapshot: "ab12cd34/chk-4", Section: "files", Filter: "a b&c=d%é", Kind: "shared", Sort: "-bytes", Dep: "s3://b/x/shared", Op: "-"}
	enc := v.Encode()
	if strings.ContainsAny(enc, " é") || strings.Count(enc, "&") != 6 {
		t.Errorf("encoded %q", enc)
	}
	if got := parseView(enc); got != v {
		t.Errorf("parsed %+v, want %+v", got, v)
	}
	// People cut and type links: what cannot be read is taken as written.
	if got := parseView("snap=chk-1&sec=files&q=50%&bogus=1&op"); got.Snapshot != "chk-1" || got.Section != "files" || got.Filter != "50%" || got.Op != "" {
		t.Errorf("parsed %+v", got)
	}
}

// twoJobsReport is a report of three snapshots of two jobs, as Analyze
// makes it.
func twoJobsReport() *Report {
	var in []parse.Input
	for _, s := range []struct {
		job string
		id  int64
	}{{"aaaaaaaaaaaaaaaa", 3}, {"bbbbbbbbbbbbbbbb", 3}, {"bbbbbbbbbbbbbbbb", 4}} {
		dir := "s3://ckpt/" + s.job + "/chk-" + Raw(s.id)
		in = append(in, parse.Input{Base: dir, Snapshot: &model.Snapshot{Format: model.FormatFlink, Source: "_metadata", CheckpointID: s.id,
			Files: []model.File{{Path: "s3://ckpt/" + s.job + "/shared/f" + Raw(s.id), Bytes: 100}}}})
	}
	return parse.Analyze(in, parse.Options{})
}

// Both kinds of link open on the snapshot, section, filter and sort they
// were made on.
func TestShareLinksCarryTheView(t *testing.T) {
	for _, short := range []bool{false, true} {
		f := &fakeBrowser{}
		src := newRoot(f)
		src.ShowReport(twoJobsReport(), false)
		src.Select(2)
		src.goToSection("files")
		src.View.Filter, src.View.Sort = "shared/f4", "-bytes"
		if short {
			src.CopyShortLink()
			waitFor(t, func() bool { src.Env.RLock(); defer src.Env.RUnlock(); return src.Share.Consent != "" })
			src.ConfirmShortLink() // nothing is sent before the second click
		} else {
			src.CopyLink()
		}
		waitFor(t, func() bool { return f.lastCopied() != "" })
		link := f.lastCopied()
		if !strings.HasSuffix(link, "&snap=bbbbbbbb/chk-4&sec=files&q=shared/f4&sort=-bytes") {
			t.Fatalf("link %q does not carry the view", link)
		}
		dst := newRoot(f)
		dst.OpenShareLink(fragmentOf(link))
		if dst.Selected != 2 || dst.View.Section != "files" || dst.View.Filter != "shared/f4" || dst.View.Sort != "-bytes" || dst.View.scrollTo != "files" {
			t.Errorf("short %v: opened on snapshot %d, view %+v", short, dst.Selected, dst.View)
		}
		if got := dst.fragment(); got != strings.TrimPrefix(fragmentOf(link), "#") {
			t.Errorf("short %v: the address bar would say %q, the link %q", short, got, link)
		}
	}
}

// A shared report whose grouping points anywhere is grouped again, and its
// charts draw without a panic.
func TestHostileGroupingInLink(t *testing.T) {
	rep := twoJobsReport()
	rep.Jobs.JobOf = []int{5, -7, 1}
	rep.Jobs.Jobs[0].Parent = 0
	rep.Snapshots[0].FileRefs[0].Dependency = 99
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	r := newRoot(&fakeBrowser{})
	if err := r.ShowReportJSON(js); err != nil {
		t.Fatal(err)
	}
	if !r.Report.Jobs.Valid(3) || r.snapshotLabel(2) != "bbbbbbbb/chk-4" {
		t.Fatalf("grouping %+v", r.Report.Jobs)
	}
	for i := range r.Report.Snapshots {
		(&Treemap{Snap: r.Report.Snapshots[i], Root: r}).Build(nil)
		(&History{Rep: r.Report, Selected: i}).Build(nil)
	}
}
