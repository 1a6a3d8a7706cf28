package app

// slateDBBar splits a SlateDB manifest's SST bytes by where they sit in the
// LSM tree: L0, each sorted run, and each parent database a clone reads. An
// SST whose size no listing gave counts the lower bound its footer proves.
// Flink snapshots have no such bar.
func slateDBBar(s *SnapshotReport) bar {
	if s.SlateDB == nil {
		return bar{}
	}
	var parts []barPart
	index := map[string]int{}
	for _, sst := range s.SlateDB.SSTs {
		label := sst.Level
		if sst.Database != "" {
			label = "parent database " + sst.Database
		}
		n := sst.Bytes
		if n < 0 {
			n = sst.MinBytes
		}
		i, ok := index[label]
		if !ok {
			i = len(parts)
			index[label] = i
			parts = append(parts, barPart{Label: label})
		}
		parts[i].Bytes += n
	}
	return newBar("By level, sorted run and parent database", parts)
}
