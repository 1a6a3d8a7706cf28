package app

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// A path's pieces end at each "/" (a "//" stays in one piece), keep every
// character, and carry no markup of the file's.
func TestPathHTMLBreaksOnlyAfterSlashes(t *testing.T) {
	for in, want := range map[string][]string{
		"s3://bucket/jobs/chk-41/_metadata": {"s3://", "bucket/", "jobs/", "chk-41/", "_metadata"},
		"/tmp/x/":                           {"/", "tmp/", "x/"},
		"relative":                          {"relative"},
		`<img src=x onerror="a&b">/'q'`:     {`<img src=x onerror="a&b">/`, `'q'`},
		"":                                  nil,
	} {
		out := string(pathHTML(in))
		if strings.Contains(out, "<img") {
			t.Errorf("%q: markup of the path survives: %s", in, out)
		}
		var got []string
		for _, m := range regexp.MustCompile(`<span class="ps">([^<]*)</span>`).FindAllStringSubmatch(out, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: pieces %q, want %q", in, got, want)
		}
	}
}
