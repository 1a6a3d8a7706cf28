package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// fileRowsShown bounds the rows of a table rendered before the user asks for
// all, so a snapshot with a million files (or a plan with a million orphans)
// still renders at once: every rendered row costs time on every render.
const fileRowsShown = 200

// rowsShown is rows cut to fileRowsShown unless all are asked for.
func rowsShown[T any](rows []T, all bool) []T {
	if !all && len(rows) > fileRowsShown {
		return rows[:fileRowsShown]
	}
	return rows
}

// rowsHidden is how many of n rows rowsShown leaves out.
func rowsHidden(n int, all bool) int {
	if all {
		return 0
	}
	return max(0, n-fileRowsShown)
}

// fileRowsFirst is how many files the table shows at first, and fileRowsMore
// how many each "Show more" adds: every rendered row costs render time on
// each later render, and users find a file by filtering or sorting.
const (
	fileRowsFirst = 50
	fileRowsMore  = 500
)

var fileColumns = map[string]func(a, b model.File) int{
	"path":      byString(func(f model.File) string { return f.Path }),
	"kind":      byString(func(f model.File) string { return string(f.Kind) }),
	"bytes":     byInt(func(f model.File) int64 { return f.Bytes }),
	"operators": byInt(func(f model.File) int { return len(f.Operators) }),
}

func (c *Files) SetFilter(s string) { c.Filter = s }
func (c *Files) SetKind(s string)   { c.Kind = s }

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

func (c *Files) visible() []model.File {
	rows := c.matching()
	if !c.ShowAll && len(rows) > c.limit() {
		rows = rows[:c.limit()]
	}
	return rows
}

// limit is how many rows are shown unless the user asked for all.
func (c *Files) limit() int { return fileRowsFirst + c.More }

// ShowMore adds a page of rows.
func (c *Files) ShowMore() { c.More += fileRowsMore }

func (c *Files) hidden() int {
	if c.ShowAll {
		return 0
	}
	return max(0, len(c.matching())-c.limit())
}

// nextText labels the button that shows another page, when a page is less
// than all that is hidden.
func (c *Files) nextText() string {
	if c.hidden() <= fileRowsMore {
		return ""
	}
	return fmt.Sprintf("Show %s more", Count(fileRowsMore))
}

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

func (c *Files) moreText() string {
	return fmt.Sprintf("Show all (%s more)", Count(c.hidden()))
}
