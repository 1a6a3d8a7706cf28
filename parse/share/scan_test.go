package share

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// The scanners find exactly what these expressions (their specification)
// find, on random text made of the pieces that matter.
var (
	uriAuthorityRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#\s"'<>\\]*)`)
	homeDirRE      = regexp.MustCompile(`(/home/|/Users/|/user/|\\Users\\)([^/\\\s"'<>?#]+)`)
)

func TestScannersMatchTheirExpressions(t *testing.T) {
	pieces := []string{"s3", "://", "a", "B", "1", "+", "-", ".", "/", "?", "#", " ", "\t", "\v", "\"", "'", "<", ">", `\`,
		"@", ":", "home", "/home/", "/Users/", "/user/", `\Users\`, "é", "\xff", "hdfs://nn:8020", "s3a://b/k"}
	r := rand.New(rand.NewSource(7))
	for n := 0; n < 200000; n++ {
		var b strings.Builder
		for k := r.Intn(12); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		check := func(name string, re *regexp.Regexp, each func(string, func(int, int, int))) {
			var got [][]int
			each(s, func(start, mid, end int) { got = append(got, []int{start, end, mid}) })
			want := re.FindAllStringSubmatchIndex(s, -1)
			if len(got) != len(want) {
				t.Fatalf("%s in %q: %v, want %v", name, s, got, want)
			}
			for i, w := range want {
				// mid is where the first group ends (and the second starts).
				if got[i][0] != w[0] || got[i][1] != w[1] || got[i][2] != w[3] {
					t.Fatalf("%s in %q: %v, want %v", name, s, got, want)
				}
			}
		}
		check("uriAuthorities", uriAuthorityRE, uriAuthorities)
		check("homeDirs", homeDirRE, homeDirs)
	}
}
