package app

import (
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/deletecmd"
)

// planScript is the delete commands made for one plan and tool, kept so a
// render does not quote every path again.
type planScript struct {
	plan *parse.OrphanPlan
	tool deletecmd.Tool
	text string
	err  error
}

// SetAck is the acknowledgement checkbox's handler.
func (c *Several) SetAck(on bool) { c.Ack, c.ackPlan = on, c.Rep.Orphans }

// acked reports whether the reader acknowledged this plan (a new plan asks
// again).
func (c *Several) acked() bool { return c.Ack && c.ackPlan == c.Rep.Orphans }

// SetTool is the delete command menu's handler.
func (c *Several) SetTool(t string) { c.Tool = deletecmd.Tool(t) }

// tool is the command picked, by default the one of the listing's storage.
func (c *Several) tool() deletecmd.Tool {
	if c.Tool != "" {
		return c.Tool
	}
	return deletecmd.ToolFor(c.Rep.Orphans.Listing.Format)
}

// script is the plan's delete commands for the picked tool.
func (c *Several) script() *planScript {
	o, tool := c.Rep.Orphans, c.tool()
	if c.scripted.plan != o || c.scripted.tool != tool {
		// A group of files is never its folder: each file is a target.
		var targets []deletecmd.Target
		err := o.EachDeletable(func(p string, dir bool) { targets = append(targets, deletecmd.Target{Path: p, Dir: dir}) })
		text, serr := deletecmd.Script(tool, targets)
		if err == nil {
			err = serr
		}
		c.scripted = planScript{plan: o, tool: tool, text: text, err: err}
	}
	return &c.scripted
}

// CopyCommands puts the delete commands on the clipboard, once the reader
// has acknowledged what the plan cannot know.
func (c *Several) CopyCommands() {
	if s := c.script(); c.Platform != nil && c.acked() && s.err == nil {
		c.Platform.CopyText(s.text)
		c.copiedPlan, c.copied = c.Rep.Orphans, "commands"
	}
}

func (c *Several) copyCommandsLabel() string {
	if c.copiedPlan == c.Rep.Orphans && c.copied == "commands" {
		return "Copied"
	}
	return "Copy the commands"
}
