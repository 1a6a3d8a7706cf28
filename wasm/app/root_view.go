package app

func (r *Root) loadClass(l *fileLoad) string {
	switch {
	case l.Problem != "":
		return "failed"
	case l.Done:
		return "done"
	default:
		return "reading"
	}
}

func (r *Root) pickClass(i int) string {
	if i == r.Selected {
		return "pick selected"
	}
	return "pick"
}

// snapshotLabel names snapshot i for the picker (snapshotLabel).
func (r *Root) snapshotLabel(i int) string { return snapshotLabel(r.Report, i) }

// snapshotLabel names snapshot i of rep: the engine's label
// ("7f3a01b2/chk-42") when it has one, else the file name.
func snapshotLabel(rep *Report, i int) string {
	if i < 0 || i >= len(rep.Snapshots) {
		return "?"
	}
	if g := rep.Jobs; g != nil && i < len(g.Labels) && g.Labels[i] != "" {
		return g.Labels[i]
	}
	if cmp := rep.Comparison; cmp != nil && i < len(cmp.Snapshots) && cmp.Snapshots[i].Label != "" {
		return cmp.Snapshots[i].Label
	}
	return rep.Snapshots[i].Source
}

// pickOrder lists the snapshots for the picker job by job, oldest first
// (jobs.Grouping.Order), as the comparison does.
func (r *Root) pickOrder() []int {
	if g := r.Report.Jobs; g != nil && len(g.Order) == len(r.Report.Snapshots) {
		return g.Order
	}
	order := make([]int, len(r.Report.Snapshots))
	for i := range order {
		order[i] = i
	}
	return order
}
