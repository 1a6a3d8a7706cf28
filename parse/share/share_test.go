package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// sampleReport stands in for parse's report: nested objects, big sizes,
// paths of several stores.
type sampleReport struct {
	Format string         `json:"format"`
	Base   string         `json:"base"`
	Folder []sampleFolder `json:"folders"`
	Bytes  map[string]int64
}

type sampleFolder struct {
	Path  string `json:"path"`
	Role  string `json:"role"`
	Files int    `json:"files"`
	Size  int64  `json:"bytes"`
}

func sample() sampleReport {
	return sampleReport{
		Format: "flink-savepoint-v3",
		Base:   "s3://prod-ckpt/jobs/7f3a/chk-4812",
		Folder: []sampleFolder{
			{"s3://prod-ckpt/jobs/7f3a/chk-4812", "exclusive", 12, 1 << 40},
			{"s3://prod-ckpt/jobs/7f3a/shared", "shared", 3012, 9007199254740993},
			{"hdfs://alice:secret@namenode.corp.example:8020/user/alice/flink/chk-1", "foreign", 1, 7},
			{"file:/home/bob/flink/checkpoints/taskowned", "taskowned", 0, 0},
		},
		Bytes: map[string]int64{"s3://other-team/x": 5},
	}
}

func TestFragmentRoundTrip(t *testing.T) {
	in := sample()
	frag, err := fragment(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(frag, "r=") || strings.ContainsAny(frag[2:], "+/=#&?%") {
		t.Fatalf("fragment %q is not URL-safe", frag)
	}
	link, err := ParseFragment("#" + frag)
	if err != nil {
		t.Fatal(err)
	}
	var out sampleReport
	if err := json.Unmarshal(link.Report, &out); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(in)
	got, _ := json.Marshal(out)
	if !bytes.Equal(want, got) {
		t.Fatalf("round trip changed the report:\n%s\n%s", want, got)
	}
}

func TestCompressionPaysOff(t *testing.T) {
	in := sample()
	for i := range 500 {
		in.Folder = append(in.Folder, sampleFolder{Path: "s3://prod-ckpt/jobs/7f3a/shared/" + strings.Repeat("x", i%7), Role: "shared", Files: i, Size: int64(i) * 1000})
	}
	js, _ := json.Marshal(in)
	p, err := Pack(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p)*5 > len(js) {
		t.Errorf("payload %d bytes for %d bytes of JSON: compression is not working", len(p), len(js))
	}
}

func TestShortLinkRoundTrip(t *testing.T) {
	key := bytes.Repeat([]byte{0xfb}, 32)
	frag := ShortLink("AAAAAAAAAAAAAAAAAAAAAA", key)
	if len(frag) != 2+IDLen+1+KeyLen {
		t.Fatalf("short link %q has length %d", frag, len(frag))
	}
	link, err := ParseFragment("#" + frag)
	if err != nil {
		t.Fatal(err)
	}
	if link.ID != "AAAAAAAAAAAAAAAAAAAAAA" || !bytes.Equal(link.Key, key) || link.Report != nil {
		t.Fatalf("parsed %+v", link)
	}
}

func TestParseFragmentErrors(t *testing.T) {
	good, _ := fragment(sample())
	payload, _ := Pack(sample())
	cut := "r=" + base64.RawURLEncoding.EncodeToString(payload[:len(payload)-5])
	key := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	cases := map[string]string{
		"r=":                                "payload",
		cut:                                 "payload",
		"r=ab$cd":                           "fragment",
		"r=" + good[2:] + "==":              "fragment",
		"s=short." + key:                    "short link",
		"s=AAAAAAAAAAAAAAAAAAAAAA":          "short link",
		"s=AAAAAAAAAAAAAAAAAAAAAA." + "abc": "short link",
		"s=AAAAAAAAAAAAAAAAAAAA!!." + key:   "short link",
		"s=AAAAAAAAAAAAAAAAAAAAAA." + key[:40] + "AAAA": "short link",
	}
	for frag, part := range cases {
		_, err := ParseFragment(frag)
		var le *LinkError
		if !errors.As(err, &le) || le.Part != part || le.Expected == "" {
			t.Errorf("ParseFragment(%.40q): %v, want a LinkError in the %s", frag, err, part)
		}
	}
	for _, frag := range []string{"", "#", "#files", "#x=1"} {
		if _, err := ParseFragment(frag); !errors.Is(err, ErrNoLink) {
			t.Errorf("ParseFragment(%q) = %v, want ErrNoLink", frag, err)
		}
	}
}

func TestUnpackRejectsBombsAndGarbage(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteByte(payloadVersion)
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write([]byte(`"`))
	zw.Write(bytes.Repeat([]byte("a"), MaxReportBytes+10))
	zw.Write([]byte(`"`))
	zw.Close()
	if buf.Len() > 200_000 {
		t.Fatalf("bomb is %d bytes", buf.Len())
	}
	_, err := Unpack(buf.Bytes())
	var le *LinkError
	if !errors.As(err, &le) || !strings.Contains(le.Expected, "at most") {
		t.Errorf("bomb: %v", err)
	}

	buf.Reset()
	buf.WriteByte(payloadVersion)
	zw, _ = flate.NewWriter(&buf, flate.BestCompression)
	zw.Write([]byte(`{"a": [1, 2,, 3]}`))
	zw.Close()
	if _, err := Unpack(buf.Bytes()); !errors.As(err, &le) || le.Part != "report" || le.Offset != 12 {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := Unpack([]byte{9, 1, 2}); !errors.As(err, &le) || le.Offset != 0 || !strings.Contains(le.Expected, "version 1") {
		t.Errorf("wrong version: %v", err)
	}
}

func FuzzParseFragment(f *testing.F) {
	good, _ := fragment(sample())
	f.Add(good)
	f.Add("s=AAAAAAAAAAAAAAAAAAAAAA." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
	f.Add("r=AQ")
	f.Fuzz(func(t *testing.T, frag string) {
		link, err := ParseFragment(frag)
		if err == nil && link.Report != nil && !json.Valid(link.Report) {
			t.Fatal("accepted invalid JSON")
		}
	})
}

func FuzzRedact(f *testing.F) {
	js, _ := json.Marshal(sample())
	f.Add(string(js))
	f.Add(`["abfss://c@acct.dfs.core.windows.net:443/p","s3://[::1]/x","C:\\Users\\ann\\x"]`)
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		out, r, err := Redact(json.RawMessage(in))
		if err != nil {
			return // e.g. top-level value followed by garbage is still rejected cleanly
		}
		if !json.Valid(out) {
			t.Fatalf("redaction produced invalid JSON: %s", out)
		}
		again, _, err := Redact(out)
		if err != nil {
			t.Fatal(err)
		}
		if r.Count() == 0 && !jsonEqual(again, out) {
			t.Fatalf("a second pass changed a document without names: %s -> %s", out, again)
		}
	})
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// fragment is the fragment link carrying v, as the page makes it.
func fragment(v any) (string, error) {
	p, err := Pack(v)
	return FragmentLink(p), err
}
