package app

import "github.com/ckptlens/ckptlens/parse/model"

// shortID is how many hex digits of an operator id tell operators apart
// where their names repeat; more are used when those collide.
const shortID = 8

// operatorLabels names each operator (by id) for charts and legends: its
// name where the name is unique, else name and uid, else name and a short
// id; without a name (files before header version 5 keep none), its uid or
// short id. Two operators never share a label.
func operatorLabels(ops []model.Operator) map[string]string {
	names := map[string]int{}
	for _, op := range ops {
		names[op.Name]++
	}
	n := shortID
	for ; n < 32 && shortIDsCollide(ops, n); n *= 2 {
	}
	out := make(map[string]string, len(ops))
	for _, op := range ops {
		short := op.ID[:min(n, len(op.ID))]
		switch {
		case op.Name != "" && names[op.Name] == 1:
			out[op.ID] = op.Name
		case op.Name != "" && op.UID != "":
			out[op.ID] = op.Name + " (uid " + op.UID + ")"
		case op.Name != "":
			out[op.ID] = op.Name + " (" + short + ")"
		case op.UID != "":
			out[op.ID] = "uid " + op.UID
		default:
			out[op.ID] = "operator " + short
		}
	}
	return out
}

func shortIDsCollide(ops []model.Operator, n int) bool {
	seen := map[string]bool{}
	for _, op := range ops {
		s := op.ID[:min(n, len(op.ID))]
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}
