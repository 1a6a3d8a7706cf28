package plan

import (
	"sort"
	"strings"
)

// lastChecker re-checks a finished plan from the snapshots alone, sharing
// no matching code with the phases: no deletable path may be, or hold, a
// path a given snapshot references or a protected folder. Any path it
// catches withdraws the whole plan. It holds the hashes of what is needed,
// with the folders above, so that each deletable path is checked as it is
// listed; a hash that matches is confirmed against the spellings
// themselves, made on the first match.
type lastChecker struct {
	snaps     []Snapshot
	protected []string
	hash      func(string) uint64
	hashed    map[uint64]struct{}
	exact     map[string]bool // spellings of needed paths and the folders above them
	hits      map[string]bool
}

func newLastChecker(snaps []Snapshot, protected []string) *lastChecker {
	c := &lastChecker{snaps: snaps, protected: protected, hash: newKeyHash(), hashed: map[uint64]struct{}{}, hits: map[string]bool{}}
	// Every folder up to the top: a colliding hash must not cut the walk.
	c.eachNeeded(func(p string) bool {
		c.hashed[c.hash(p)] = struct{}{}
		return true
	})
	return c
}

// eachNeeded calls add with the spelling of every needed path and of the
// folders above it, going up while add returns true.
func (c *lastChecker) eachNeeded(add func(string) bool) {
	need := func(p string) {
		for p := spelling(p); p != "" && add(p); p = above(p) {
		}
	}
	for _, s := range c.snaps {
		if s.Dir != "" {
			need(strings.TrimRight(s.Dir, "/") + "/_metadata")
		}
		if strings.Contains(s.Source, "/") {
			need(s.Source)
		}
		for _, f := range s.Files {
			if !f.Relative {
				need(f.Path)
			}
		}
	}
	for _, d := range c.protected {
		need(d)
	}
}

// check records a deletable path that is, or holds, a needed one.
func (c *lastChecker) check(deletable string) {
	sp := spelling(deletable)
	if _, maybe := c.hashed[c.hash(sp)]; !maybe {
		return
	}
	if c.exact == nil {
		c.exact = map[string]bool{}
		c.eachNeeded(func(p string) bool {
			if c.exact[p] {
				return false
			}
			c.exact[p] = true
			return true
		})
	}
	if c.exact[sp] {
		c.hits[deletable] = true
	}
}

// checkFolder records a folder to be deleted whole that is not a chk-N
// folder or inside one: any other folder may receive files after the
// listing, which a recursive delete would take with it.
func (c *lastChecker) checkFolder(dir string) {
	for _, seg := range strings.Split(spelling(dir), "/") {
		if digits, ok := strings.CutPrefix(seg, "chk-"); ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
			return
		}
	}
	c.hits[dir] = true
}

// found are the deletable paths caught, sorted.
func (c *lastChecker) found() []string {
	out := make([]string, 0, len(c.hits))
	for p := range c.hits {
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
