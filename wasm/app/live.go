package app

import (
	"fmt"
	"strings"
)

// leaveUnread shows, one line a folder, the SlateDB files of the drop the
// engine left unread (parse.LoadOptions.NotLive): a database's folder holds
// every old version of its manifest, and only the newest, the ones its
// checkpoints pin and the newest compactions file are alive. A later
// analysis of the same drop reads only the others, and keeps these lines.
func (r *Root) leaveUnread(seq int64, inputs []Input, loads []*fileLoad, notLive []int) {
	unread := map[int]bool{}
	for _, i := range notLive {
		unread[i] = true
	}
	var kept []Input
	var keptLoads, lines []*fileLoad
	byFolder := map[string]*fileLoad{}
	left := map[*fileLoad]int{}
	for i, in := range inputs {
		if !unread[i] {
			kept, keptLoads = append(kept, in), append(keptLoads, loads[i])
			continue
		}
		folder := in.Name[:strings.LastIndexByte(in.Name, '/')+1]
		l := byFolder[folder]
		if l == nil {
			l = &fileLoad{Name: folder, Done: true}
			byFolder[folder] = l
			lines = append(lines, l)
		}
		l.Size += in.Size
		left[l]++
	}
	for _, l := range lines {
		l.Read = l.Size
		l.Note = fmt.Sprintf("%s older manifests, not read: neither the newest nor pinned by its checkpoints, so SlateDB's garbage collector no longer needs them (drop them as files to compare them)", Count(left[l]))
		if strings.HasSuffix(l.Name, "compactions/") {
			l.Note = fmt.Sprintf("%s older compactions files, not read: the newest is the compactor's state", Count(left[l]))
		}
	}
	r.Env.Lock()
	if !r.current(seq) {
		r.Env.UnlockOnly()
		return
	}
	r.inputs, r.notRead = kept, lines
	r.Loads = append(keptLoads, lines...)
	r.Env.UnlockRender()
}
