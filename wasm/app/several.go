package app

import (
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
)

func (c *Several) totals() string {
	cmp := c.Rep.Comparison
	return fmt.Sprintf("%s snapshots reference %s distinct files (%s); %s files (%s) are referenced by more than one.",
		Count(len(cmp.Snapshots)), Count(cmp.UnionFiles), Bytes(cmp.UnionBytes), Count(cmp.SharedFiles), Bytes(cmp.SharedBytes))
}

func (c *Several) shared() []parse.ComparedFile {
	var out []parse.ComparedFile
	for _, f := range c.Rep.Comparison.Files {
		if len(f.Snapshots) > 1 {
			out = append(out, f)
		}
	}
	return out
}

func (c *Several) label(i int) string { return snapshotLabel(c.Rep, i) }

func (c *Several) labels(idx []int) string {
	var names []string
	for _, i := range idx {
		names = append(names, c.label(i))
	}
	return strings.Join(names, ", ")
}

func (c *Several) firstIn(f parse.ComparedFile) string {
	s := c.label(f.FirstIn)
	if f.UploadedBefore {
		s += " or an older checkpoint not given"
	}
	return s
}

func (c *Several) planTotals() string {
	o := c.Rep.Orphans
	return fmt.Sprintf("The listing (%s, %s files, %s) holds %s (%s files) that no given snapshot references and that can be deleted; %s (%s files) are unreferenced but must stay; %s (%s files) are referenced.",
		o.Listing.Format, Count(o.Listing.Files), Bytes(o.Listing.Bytes),
		Bytes(o.DeletableBytes), Count(o.DeletableFiles),
		Bytes(o.UnsureBytes), Count(o.UnsureFiles),
		Bytes(o.ReferencedBytes), Count(o.ReferencedFiles))
}

// CopyDeletable puts the plan's deletable paths on the clipboard, one a
// line, once the reader has acknowledged what the plan cannot know.
func (c *Several) CopyDeletable() {
	if c.Platform != nil && c.acked() {
		c.Platform.CopyText(c.Rep.Orphans.DeletableList())
		c.copiedPlan, c.copied = c.Rep.Orphans, "paths"
	}
}

func (c *Several) copyDeletableLabel() string {
	if c.copiedPlan == c.Rep.Orphans && c.copied == "paths" {
		return "Copied"
	}
	if n := c.Rep.Orphans.DeletablePaths(); n > 1 {
		return "Copy the " + Count(n) + " paths"
	}
	return "Copy the path"
}

func (c *Several) folders(i int) string {
	return strings.Join(c.Rep.Comparison.Snapshots[i].Folders, ", ")
}

// after names the snapshot i is compared with: the one before it in its
// job's chain (the restored checkpoint, for a restored job's first).
func (c *Several) after(i int) string {
	if p := c.Rep.Comparison.Snapshots[i].Previous; p >= 0 {
		return c.label(p)
	}
	return "–"
}
