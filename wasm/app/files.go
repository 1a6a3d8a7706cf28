package app

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vugu/vugu"

	"github.com/ckptlens/ckptlens/parse/model"
)

var fileColumns = map[string]column[*model.File]{
	"path":      byString(func(f *model.File) string { return f.Path }),
	"kind":      byString(func(f *model.File) string { return string(f.Kind) }),
	"bytes":     byInt(func(f *model.File) int64 { return f.Bytes }),
	"operators": byInt(func(f *model.File) int { return len(f.Operators) }),
}

// SetFilter is the filter box's input handler. A large list is filtered
// once typing pauses (filterPause), not on every key: one pass over
// 649,500 paths takes the page about half a second, and keys typed
// meanwhile each queued another.
func (c *Files) SetFilter(s string, env vugu.EventEnv) {
	c.Typed = s
	if len(c.Snap.Files) <= filterNowFiles || env == nil {
		c.applyFilter()
		return
	}
	c.typing++
	n := c.typing
	go func() {
		time.Sleep(filterPause)
		env.Lock()
		if c.typing != n { // a later key has its own timer
			env.UnlockOnly()
			return
		}
		c.applyFilter()
		env.UnlockRender()
	}()
}

// filterNowFiles is the most files filtered on every key; filterPause is
// how long typing pauses before a larger list is filtered.
const (
	filterNowFiles = 20_000
	filterPause    = 250 * time.Millisecond
)

func (c *Files) applyFilter() {
	c.Filter = c.Typed
	c.Rows.Rewind()
	if c.View != nil {
		c.View.Filter = c.Filter
	}
}

// SetSort is a column header's click handler: it sorts by key (see
// sortState.Toggle) from the first page. A large list is sorted after the
// count line says so and has been painted: sorting 649,500 paths takes the
// page seconds.
func (c *Files) SetSort(key string, numeric bool, env vugu.EventEnv) {
	c.wantSort.Toggle(key, numeric)
	if len(c.Snap.Files) <= filterNowFiles || env == nil || c.Platform == nil {
		c.sort = c.wantSort
		c.Rows.Rewind()
		c.keepSort()
		return
	}
	c.sorting++
	n, want := c.sorting, c.wantSort
	go func() {
		c.Platform.Painted()
		env.Lock()
		if c.sorting != n { // a later click sorts on its own
			env.UnlockOnly()
			return
		}
		c.sort, c.sorting = want, 0
		c.Rows.Rewind()
		c.keepSort()
		c.matching()
		env.UnlockRender()
	}()
}

func (c *Files) SetKind(s string) {
	c.Kind = s
	c.Rows.Rewind()
	if c.View != nil {
		c.View.Kind = s
	}
}

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

// kinds are the kinds of file the snapshot has, for the Kind menu; worked
// out once per snapshot, not on every render.
func (c *Files) kinds() []string {
	c.survey()
	return c.kindList
}

// privateInShared counts the snapshot's private files in a shared/ folder.
func (c *Files) privateInShared() int {
	c.survey()
	return c.privateShared
}

// survey works out kindList and privateShared once per snapshot.
func (c *Files) survey() {
	if c.kindsOf == c.Snap {
		return
	}
	var out []string
	private := 0
	for _, f := range c.Snap.Files {
		if !slices.Contains(out, string(f.Kind)) {
			out = append(out, string(f.Kind))
		}
		if f.Kind == model.KindPrivate && strings.Contains(f.Path, "/shared/") {
			private++
		}
	}
	slices.Sort(out)
	c.kindsOf, c.kindList, c.privateShared = c.Snap, out, private
}

// privateInSharedNote explains private files found in shared/: Flink's
// incremental RocksDB checkpoints upload a checkpoint's own RocksDB files
// there too, although no other checkpoint uses them.
func privateInSharedNote(n int) string {
	return fmt.Sprintf("%s private files are in a shared/ folder. They are RocksDB's own files of this checkpoint "+
		"(MANIFEST, CURRENT, OPTIONS); Flink's incremental checkpoints upload them into shared/ beside the SST files, "+
		"but only this checkpoint uses them, and Flink deletes them with it.", Count(n))
}

// filesQuery is what the shown list depends on; matching recomputes only
// when it changes, since a render asks several times.
type filesQuery struct {
	snap         *SnapshotReport
	filter, kind string
	dep, op      string
	sort         sortState
	n            int
}

// filesCache holds the rows as pointers into the snapshot's files, so a
// filter that matches most of a large job copies no file.
type filesCache struct {
	rows  []*model.File
	query filesQuery
}

// matching is the filtered, sorted list.
func (c *Files) matching() []*model.File {
	q := filesQuery{c.Snap, c.Filter, c.Kind, c.Dep, c.Op, c.sort, len(c.Snap.Files)}
	if c.cache.rows != nil && c.cache.query == q {
		return c.cache.rows
	}
	needle := strings.ToLower(c.Filter)
	out := make([]*model.File, 0, len(c.Snap.Files))
	for i := range c.Snap.Files {
		f := &c.Snap.Files[i]
		if c.Kind != "" && string(f.Kind) != c.Kind {
			continue
		}
		if c.Dep != "" && !c.picked(i) {
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
func (c *Files) visible() []*model.File { return pageOf(c.matching(), &c.Rows) }

func (c *Files) countText() string {
	if c.sorting > 0 {
		return fmt.Sprintf("Sorting %s files…", Count(len(c.matching())))
	}
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
