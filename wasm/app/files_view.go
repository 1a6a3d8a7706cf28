package app

import "strings"

// BeforeBuild takes over a view set outside the table: opened from a link,
// or a treemap tile picked.
func (c *Files) BeforeBuild() {
	if c.View == nil || c.View.seq == c.viewSeq {
		return
	}
	v := c.View
	c.viewSeq = v.seq
	c.Typed, c.Filter, c.Kind, c.Dep, c.Op = v.Filter, v.Filter, v.Kind, v.Dep, v.Op
	c.sort = sortState{Key: strings.TrimPrefix(v.Sort, "-"), Desc: strings.HasPrefix(v.Sort, "-")}
	if _, ok := fileColumns[c.sort.Key]; !ok {
		c.sort = sortState{}
	}
	c.wantSort = c.sort
	c.Rows.Rewind()
}

// keepSort writes the applied sort into the view.
func (c *Files) keepSort() {
	if c.View == nil {
		return
	}
	c.View.Sort = c.sort.Key
	if c.sort.Desc && c.sort.Key != "" {
		c.View.Sort = "-" + c.sort.Key
	}
}

// picked reports whether file i is in the treemap tile picked: in its
// folder and, when one is picked, referenced first by its operator ("-":
// by none), as the treemap groups files.
func (c *Files) picked(i int) bool {
	if i >= len(c.Snap.FileRefs) {
		return false
	}
	ref := c.Snap.FileRefs[i]
	if ref.Dependency >= len(c.Snap.Dependencies) || c.Snap.Dependencies[ref.Dependency].Dir != c.Dep {
		return false
	}
	switch ops := c.Snap.Files[i].Operators; {
	case c.Op == "":
		return true
	case len(ops) == 0:
		return c.Op == "-"
	default:
		return ops[0] == c.Op
	}
}

// pickedText says which tile the table shows.
func (c *Files) pickedText() string {
	s := "Showing the files in " + c.Dep
	if c.Op != "" {
		s += " of " + operatorName(c.Snap, c.Op)
	}
	if c.Kind != "" {
		s += ", kind " + c.Kind
	}
	return s + " (picked in the treemap)."
}

// Unpick shows every file again.
func (c *Files) Unpick() {
	c.Dep, c.Op, c.Kind, c.Typed, c.Filter = "", "", "", "", ""
	c.Rows.Rewind()
	if c.View != nil {
		c.View.Dep, c.View.Op, c.View.Kind, c.View.Filter = "", "", "", ""
	}
}
