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

// snapshotLabel names snapshot i for the picker: the engine's label
// ("chk-42") when it has one, else the file name.
func (r *Root) snapshotLabel(i int) string {
	if cmp := r.Report.Comparison; cmp != nil && i < len(cmp.Snapshots) && cmp.Snapshots[i].Label != "" {
		return cmp.Snapshots[i].Label
	}
	return r.Report.Snapshots[i].Source
}
