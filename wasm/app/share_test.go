package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/share"
	"github.com/vugu/vugu"
)

// fakeBrowser is the page's platform with Go's AES-GCM in place of WebCrypto
// and a map in place of the Worker, so the share flow runs on the host.
type fakeBrowser struct {
	mu      sync.Mutex
	copied  []string
	stored  map[string][]byte
	postErr error
}

func (f *fakeBrowser) Download(string, string, []byte) {}
func (f *fakeBrowser) Now() float64                    { return 0 }
func (f *fakeBrowser) Painted()                        {}
func (f *fakeBrowser) CopyText(s string) {
	f.mu.Lock()
	f.copied = append(f.copied, s)
	f.mu.Unlock()
}
func (f *fakeBrowser) PageURL() string { return "http://127.0.0.1:8787/" }

func (f *fakeBrowser) Seal(plain []byte) ([]byte, []byte, error) {
	key := make([]byte, 32)
	nonce := make([]byte, 12)
	rand.Read(key)
	rand.Read(nonce)
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	return gcm.Seal(nonce, nonce, plain, nil), key, nil
}

func (f *fakeBrowser) Open(sealed, key []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, ErrWrongKey
	}
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, sealed[:12], sealed[12:], nil)
	if err != nil {
		return nil, ErrWrongKey
	}
	return plain, nil
}

func (f *fakeBrowser) PostShare(sealed []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.postErr != nil {
		return "", f.postErr
	}
	if len(sealed) > share.MaxStoredBytes { // as the Worker answers
		return "", errors.New("the server refused the share: 413 too_large")
	}
	if f.stored == nil {
		f.stored = map[string][]byte{}
	}
	raw := make([]byte, 16)
	rand.Read(raw)
	id := base64.RawURLEncoding.EncodeToString(raw)
	f.stored[id] = sealed
	return id, nil
}

func (f *fakeBrowser) GetShare(id string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.stored[id]
	if !ok {
		return nil, ErrShareGone
	}
	return b, nil
}

func (f *fakeBrowser) lastCopied() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.copied) == 0 {
		return ""
	}
	return f.copied[len(f.copied)-1]
}

func newRoot(f *fakeBrowser) *Root {
	var mu sync.RWMutex
	return &Root{Env: vugu.NewEventEnvImpl(&mu, make(chan bool, 100)), Platform: f}
}

func sampleReport() *Report {
	return &Report{Snapshots: []*parse.SnapshotReport{{
		Snapshot:     &model.Snapshot{Source: "chk-17/_metadata", CheckpointID: 17},
		Location:     parse.Location{Dir: "s3://prod-ckpt/jobs/7f3a/chk-17", From: "base", Kind: "checkpoint"},
		Dependencies: []parse.Dependency{{Dir: "s3://prod-ckpt/jobs/7f3a/shared", Role: "shared", Files: 3, Bytes: 9007199254740993}},
	}}}
}

func fragmentOf(link string) string { return link[strings.Index(link, "#"):] }

func reportJSON(t *testing.T, r *Report) string {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFragmentLinkRoundTrip(t *testing.T) {
	f := &fakeBrowser{}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.CopyLink()
	waitFor(t, func() bool { return f.lastCopied() != "" }) // compressed on a goroutine
	link := f.lastCopied()
	if st := src.Share; st.Problem != "" || st.Link != link || !strings.HasPrefix(link, "http://127.0.0.1:8787/#r=") {
		t.Fatalf("link %q, state %+v", link, st)
	}
	dst := newRoot(f)
	dst.OpenShareLink(fragmentOf(link))
	if !dst.ReadOnly || dst.Report == nil || dst.Share.Opened != "fragment" {
		t.Fatalf("not shown read-only: %+v", dst.Share)
	}
	if got, want := reportJSON(t, dst.Report), reportJSON(t, src.Report); got != want {
		t.Fatalf("shared report differs:\n got %s\nwant %s", got, want)
	}
}

func TestShortLinkRoundTripAndWrongKey(t *testing.T) {
	f := &fakeBrowser{}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.CopyShortLink()
	consent(t, src, f)
	waitFor(t, func() bool { return f.lastCopied() != "" }) // made on a goroutine
	link := f.lastCopied()
	l, err := share.ParseFragment(fragmentOf(link))
	if err != nil || l.ID == "" {
		t.Fatalf("short link %q: %v", link, err)
	}
	if stored := f.stored[l.ID]; strings.Contains(string(stored), "prod-ckpt") {
		t.Fatal("the stored share is readable")
	}
	dst := newRoot(f)
	dst.OpenShareLink(fragmentOf(link))
	if dst.Share.Problem != "" || dst.Share.Opened != "short link" || reportJSON(t, dst.Report) != reportJSON(t, src.Report) {
		t.Fatalf("short link opened as %+v", dst.Share)
	}

	l.Key[5] ^= 0x80
	bad := newRoot(f)
	bad.OpenShareLink("#" + share.ShortLink(l.ID, l.Key))
	if bad.Report != nil || !strings.Contains(bad.Share.Problem, ErrWrongKey.Error()) {
		t.Fatalf("wrong key: report %v, problem %q", bad.Report != nil, bad.Share.Problem)
	}
	gone := newRoot(f)
	gone.OpenShareLink("#" + share.ShortLink("QUFBQUFBQUFBQUFBQUFBQQ", l.Key))
	if !strings.Contains(gone.Share.Problem, "expired or never existed") {
		t.Fatalf("unknown id: %q", gone.Share.Problem)
	}
}

func TestRedactedLinkHidesNames(t *testing.T) {
	f := &fakeBrowser{}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.SetShareRedact(true)
	src.CopyLink()
	waitFor(t, func() bool { return f.lastCopied() != "" })
	if !strings.Contains(src.Share.Note, "1 bucket(s)") {
		t.Errorf("note %q does not say what was hidden", src.Share.Note)
	}
	dst := newRoot(f)
	dst.OpenShareLink(fragmentOf(f.lastCopied()))
	if got := dst.Report.Snapshots[0].Location.Dir; got != "s3://bucket-1/jobs/7f3a/chk-17" {
		t.Fatalf("redacted location %q", got)
	}
}

func TestShareErrorsAreShown(t *testing.T) {
	f := &fakeBrowser{postErr: errors.New("the share service said: a share is at most 1048576 bytes (1 MiB)")}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.CopyShortLink()
	consent(t, src, f)
	waitFor(t, func() bool {
		src.Env.RLock()
		defer src.Env.RUnlock()
		return src.Share.Problem != ""
	})
	if !strings.Contains(src.Share.Problem, "1 MiB") {
		t.Errorf("problem %q", src.Share.Problem)
	}

	r := newRoot(f)
	r.OpenShareLink("#r=not-base64!")
	if r.Report != nil || !strings.Contains(r.Share.Problem, "damaged fragment") {
		t.Errorf("damaged link: %q", r.Share.Problem)
	}
	r.OpenShareLink("#summary") // an ordinary anchor is no share link
	if !strings.Contains(r.Share.Problem, "damaged fragment") {
		t.Error("an anchor cleared the problem or changed the page")
	}
}

// consent waits for the share bar to ask before sending, checks that it
// says what would be sent and where and that nothing was sent yet, and
// gives the second click.
func consent(t *testing.T, r *Root, f *fakeBrowser) {
	t.Helper()
	waitFor(t, func() bool {
		r.Env.RLock()
		defer r.Env.RUnlock()
		return r.Share.Consent != "" || r.Share.Problem != ""
	})
	r.Env.Lock()
	defer r.Env.UnlockRender()
	f.mu.Lock()
	sent := len(f.stored)
	f.mu.Unlock()
	if c := r.Share.Consent; sent != 0 || !strings.Contains(c, "Nothing has been sent yet") ||
		!strings.Contains(c, "http://127.0.0.1:8787/api/shares") || !strings.Contains(c, "of ciphertext") || r.Share.SendTo != "127.0.0.1:8787" {
		t.Fatalf("before consent: %d shares sent, consent %q, send to %q", sent, c, r.Share.SendTo)
	}
	r.ConfirmShortLink()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 5000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("condition never became true")
}

func TestTooLongForAFragmentBecomesAShortLink(t *testing.T) {
	f := &fakeBrowser{}
	src := newRoot(f)
	rep := sampleReport()
	noise := make([]byte, 12)
	for range 2000 { // incompressible folder names
		rand.Read(noise)
		rep.Snapshots[0].Dependencies = append(rep.Snapshots[0].Dependencies,
			parse.Dependency{Dir: "s3://prod-ckpt/" + base64.RawURLEncoding.EncodeToString(noise), Role: "shared"})
	}
	src.ShowReport(rep, false)
	src.CopyLink()
	consent(t, src, f)
	if !strings.Contains(src.Share.Busy, "sending") {
		t.Errorf("busy %q after the second click", src.Share.Busy)
	}
	waitFor(t, func() bool { return f.lastCopied() != "" })
	link := f.lastCopied()
	if !strings.Contains(link, "#s=") {
		t.Fatalf("a %d-dependency report got %.60q, want a short link", len(rep.Snapshots[0].Dependencies), link)
	}
	dst := newRoot(f)
	dst.OpenShareLink(fragmentOf(link))
	if dst.Report == nil || len(dst.Report.Snapshots[0].Dependencies) != len(rep.Snapshots[0].Dependencies) {
		t.Fatalf("short link did not carry the whole report: %+v", dst.Share)
	}
}

// Cancelling the consent sends nothing, and says so.
func TestShortLinkCancelledSendsNothing(t *testing.T) {
	f := &fakeBrowser{}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.CopyShortLink()
	waitFor(t, func() bool { src.Env.RLock(); defer src.Env.RUnlock(); return src.Share.Consent != "" })
	src.Env.Lock()
	src.CancelShortLink()
	src.ConfirmShortLink() // a stale second click after the cancel does nothing
	src.Env.UnlockRender()
	time.Sleep(20 * time.Millisecond)
	if len(f.stored) != 0 || f.lastCopied() != "" || src.Share.Consent != "" || src.Share.Note != "Nothing was sent." {
		t.Fatalf("after cancel: %d stored, copied %q, share %+v", len(f.stored), f.lastCopied(), src.Share)
	}
}

// Offline, a short link fails in words, never as fetch's TypeError.
func TestShareOfflineIsExplained(t *testing.T) {
	f := &fakeBrowser{postErr: ErrOffline}
	src := newRoot(f)
	src.ShowReport(sampleReport(), false)
	src.CopyShortLink()
	consent(t, src, f)
	waitFor(t, func() bool { src.Env.RLock(); defer src.Env.RUnlock(); return src.Share.Problem != "" })
	if p := src.Share.Problem; !strings.Contains(p, "offline") || strings.Contains(p, "TypeError") {
		t.Errorf("problem %q", p)
	}
}

type failingCodec struct{}

func (failingCodec) Deflate([]byte) ([]byte, error) { return nil, errors.New("no stream") }
func (failingCodec) Inflate([]byte, int64) ([]byte, int64, error) {
	return nil, 0, errors.New("no stream")
}

// A payload that cannot be compressed ends the attempt with a problem.
func TestShareCompressionFailureIsShown(t *testing.T) {
	saved := share.DefaultCodec
	share.DefaultCodec = failingCodec{}
	defer func() { share.DefaultCodec = saved }()
	f := &fakeBrowser{}
	for _, copyLink := range []func(*Root){(*Root).CopyLink, (*Root).CopyShortLink} {
		src := newRoot(f)
		src.ShowReport(sampleReport(), false)
		copyLink(src)
		waitFor(t, func() bool {
			src.Env.RLock()
			defer src.Env.RUnlock()
			return src.Share.Busy == ""
		})
		if p := src.Share.Problem; !strings.Contains(p, "compressing the report: no stream") || f.lastCopied() != "" {
			t.Errorf("problem %q, copied %q", p, f.lastCopied())
		}
	}
}

// A large job's report compresses to megabytes, more than the Worker
// stores: its link keeps the largest files and every total, and both the
// share bar and the opened report say what was left out.
func TestLargeReportIsCutToFitItsLink(t *testing.T) {
	const n = 120_000
	rep := randomReport(n, 16)
	if full, _ := share.Pack(rep); len(full) <= share.MaxStoredBytes {
		t.Fatalf("the whole report packs to %d bytes, which the Worker would store", len(full))
	}
	f := &fakeBrowser{}
	src := newRoot(f)
	src.ShowReport(rep, false)
	src.CopyShortLink()
	consent(t, src, f)
	waitFor(t, func() bool { return f.lastCopied() != "" || src.Share.Problem != "" })
	if src.Share.Problem != "" || !strings.Contains(src.Share.Note, "the 2,000 largest files of each snapshot (118,000 left out)") {
		t.Fatalf("share bar: problem %q, note %q", src.Share.Problem, src.Share.Note)
	}
	dst := newRoot(f)
	dst.OpenShareLink(fragmentOf(f.lastCopied()))
	got := dst.Report
	if got == nil || got.LeftOut == nil || len(got.Snapshots[0].Files) != sharedRows || got.Snapshots[0].Sizes.Files != n ||
		got.Snapshots[0].Files[0].Bytes != n-sharedRows {
		t.Fatalf("opened: %+v", dst.Share)
	}
	if notice := leftOutNotice(got.LeftOut); !strings.Contains(notice, "118,000 left out") {
		t.Fatalf("notice %q", notice)
	}
	c := &Files{Snap: got.Snapshots[0]}
	if text := c.countText(); text != "2,000 files, the largest: the shared report leaves out 118,000 more" {
		t.Fatalf("file count %q", text)
	}
}

// randomReport is a report on n files of ascending sizes whose names hold
// nameBytes random bytes each, so that they do not compress away.
func randomReport(n, nameBytes int) *Report {
	snap := &model.Snapshot{Source: "s3://prod-ckpt/jobs/7f3a/chk-9/_metadata", Format: model.FormatFlink, CheckpointID: 9}
	raw := make([]byte, nameBytes)
	for i := range n {
		rand.Read(raw)
		snap.Files = append(snap.Files, model.File{Path: "s3://prod-ckpt/jobs/7f3a/shared/" + base64.RawURLEncoding.EncodeToString(raw), Bytes: int64(i), Kind: model.KindShared})
	}
	return parse.Analyze([]parse.Input{{Snapshot: snap}}, parse.Options{})
}

// A report that fits what the Worker stores is shared whole, however many
// rows it has; one that does not is cut until it fits.
func TestPackReportCutsOnlyWhatDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		name         string
		files, bytes int
		wantFiles    int
	}{
		{"3,000 files", 3_000, 16, 3_000},
		{"15,000 files with long names", 15_000, 120, sharedRows},
		{"60,000 files with very long names", 60_000, 600, sharedRows / 4},
	} {
		payload, note, err := packReport(randomReport(c.files, c.bytes), false)
		if err != nil || len(payload)+share.SealOverhead > share.MaxStoredBytes {
			t.Fatalf("%s: %d bytes, %v", c.name, len(payload), err)
		}
		js, err := share.Unpack(payload)
		var got Report
		if err == nil {
			err = json.Unmarshal(js, &got)
		}
		if err != nil || len(got.Snapshots[0].Files) != c.wantFiles || (got.LeftOut != nil) != (c.wantFiles < c.files) ||
			strings.Contains(note, "To fit") != (c.wantFiles < c.files) {
			t.Fatalf("%s: %d files kept, left out %+v, note %q (%v)", c.name, len(got.Snapshots[0].Files), got.LeftOut, note, err)
		}
	}
}
