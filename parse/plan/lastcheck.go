package plan

import (
	"sort"
	"strings"
)

// lastCheck re-checks a finished plan from the snapshots alone, sharing no
// matching code with the phases: no deletable path may be, or hold, a path
// a given snapshot references or a protected folder. It returns the
// deletable paths that do; any one withdraws the whole plan.
func lastCheck(snaps []Snapshot, protected []string, deletable []Item) []string {
	doomed := make(map[string]string, len(deletable))
	for _, it := range deletable {
		doomed[spelling(it.Path)] = it.Path
	}
	hits := map[string]bool{}
	check := func(needed string) {
		for p := spelling(needed); p != ""; p = above(p) {
			if written, ok := doomed[p]; ok {
				hits[written] = true
			}
		}
	}
	for _, s := range snaps {
		if s.Dir != "" {
			check(strings.TrimRight(s.Dir, "/") + "/_metadata")
		}
		if strings.Contains(s.Source, "/") {
			check(s.Source)
		}
		for _, f := range s.Files {
			if !f.Relative {
				check(f.Path)
			}
		}
	}
	for _, d := range protected {
		check(d)
	}
	out := make([]string, 0, len(hits))
	for p := range hits {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// spelling writes a path one way whatever way it came: scheme aliases
// (s3a, s3n → s3; file: forms and a file system's host dropped), Azure's
// blob and dfs hosts of one account, percent-escapes, repeated slashes, "."
// elements and a trailing slash.
func spelling(p string) string {
	scheme, rest := "", p
	if i := strings.Index(p, ":"); i > 1 && !strings.ContainsAny(p[:i], "/\\") {
		scheme, rest = strings.ToLower(p[:i]), p[i+1:]
	}
	host := ""
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		host, rest, _ = strings.Cut(rest, "/")
		rest = "/" + rest
	}
	switch scheme {
	case "s3a", "s3n", "s3p":
		scheme = "s3"
	case "wasb", "wasbs", "abfs", "abfss":
		scheme = "azure"
		if c, h, ok := strings.Cut(host, "@"); ok {
			h = strings.ToLower(h)
			for _, end := range []string{".blob.", ".dfs."} {
				if i := strings.Index(h, end); i > 0 {
					h = h[:i]
				}
			}
			host = c + "@" + h
		}
	case "", "file", "hdfs", "viewfs", "local":
		scheme, host = "", "" // one file system: the host is not part of the name
	}
	var b strings.Builder
	for _, el := range strings.Split(unescape(rest), "/") {
		if el != "" && el != "." {
			b.WriteString("/")
			b.WriteString(el)
		}
	}
	if scheme == "" {
		return b.String()
	}
	return scheme + "://" + host + b.String()
}

// above is the folder holding p in spelling's form, "" above the top.
func above(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 || strings.HasSuffix(p[:i], ":/") {
		return ""
	}
	return p[:i]
}

// unescape decodes %XX escapes, leaving malformed ones as they are.
func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
