package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

var fileColumns = map[string]func(a, b model.File) int{
	"path":      byString(func(f model.File) string { return f.Path }),
	"kind":      byString(func(f model.File) string { return string(f.Kind) }),
	"bytes":     byInt(func(f model.File) int64 { return f.Bytes }),
	"operators": byInt(func(f model.File) int { return len(f.Operators) }),
}

func (c *Files) SetFilter(s string) { c.Filter = s; c.Rows.Rewind() }
func (c *Files) SetKind(s string)   { c.Kind = s; c.Rows.Rewind() }

// Copy puts path on the clipboard.
func (c *Files) Copy(path string) {
	if c.Platform != nil {
		c.Platform.CopyText(path)
		c.Copied = path
	}
}

func (c *Files) copyLabel(path string) string {
	if path == c.Copied {
		return "Copied"
	}
	return "Copy"
}

func (c *Files) kinds() []string {
	var out []string
	for _, f := range c.Snap.Files {
		if !slices.Contains(out, string(f.Kind)) {
			out = append(out, string(f.Kind))
		}
	}
	slices.Sort(out)
	return out
}

// filesQuery is what the shown list depends on; matching recomputes only
// when it changes, since a render asks several times.
type filesQuery struct {
	snap         *SnapshotReport
	filter, kind string
	sort         sortState
	n            int
}

type filesCache struct {
	rows  []model.File
	query filesQuery
}

// matching is the filtered, sorted list.
func (c *Files) matching() []model.File {
	q := filesQuery{c.Snap, c.Filter, c.Kind, c.sort, len(c.Snap.Files)}
	if c.cache.rows != nil && c.cache.query == q {
		return c.cache.rows
	}
	if c.Filter == "" && c.Kind == "" && c.sort.Key == "" {
		c.cache = filesCache{c.Snap.Files, q}
		return c.Snap.Files
	}
	needle := strings.ToLower(c.Filter)
	var out []model.File
	for _, f := range c.Snap.Files {
		if c.Kind != "" && string(f.Kind) != c.Kind {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(f.Path), needle) {
			continue
		}
		out = append(out, f)
	}
	sortBy(out, c.sort, fileColumns)
	c.cache = filesCache{out, q}
	return out
}

// visible is the rows shown.
func (c *Files) visible() []model.File { return pageOf(c.matching(), &c.Rows) }

func (c *Files) countText() string {
	n := len(c.matching())
	out := fmt.Sprintf("%s files", Count(n))
	if n != len(c.Snap.Files) {
		out = fmt.Sprintf("%s of %s files", Count(n), Count(len(c.Snap.Files)))
	}
	if left := c.Snap.FilesLeftOut; left > 0 {
		out += fmt.Sprintf(", the largest: the shared report leaves out %s more", Count(left))
	}
	return out
}
