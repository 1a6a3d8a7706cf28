package slatedb

import (
	"sort"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// DecodeBytes is Decode over a byte slice.
func DecodeBytes(data []byte) (*Manifest, error) {
	return Decode(&model.Memory{Data: data}, int64(len(data)))
}

// DecodeCompactionsBytes is DecodeCompactions over a byte slice.
func DecodeCompactionsBytes(data []byte) (*Compactions, error) {
	return DecodeCompactions(&model.Memory{Data: data}, int64(len(data)))
}

// Deleted is the paths the plan deletes, sorted.
func (p *GCPlan) Deleted() []string {
	var out []string
	for _, d := range p.Decisions {
		if d.Delete {
			out = append(out, d.Path)
		}
	}
	sort.Strings(out)
	return out
}

// ObjectsUnder (a test helper) keeps the listed paths under root and makes them relative to
// it. root may be an object-store path ("prod/parent") found anywhere in the
// listed paths at a folder boundary (s3://bucket/prod/parent/..., /data/prod/
// parent/...), or "" when the paths are already relative to the root.
func ObjectsUnder(root string, paths []string, sizes []int64) []Object {
	root = strings.Trim(strings.TrimPrefix(strings.ReplaceAll(root, "\\", "/"), "./"), "/")
	var out []Object
	for i, p := range paths {
		p = strings.TrimPrefix(strings.ReplaceAll(p, "\\", "/"), "./")
		rel := p
		if root != "" {
			t := strings.TrimPrefix(p, "/")
			switch j := strings.Index(t, "/"+root+"/"); {
			case strings.HasPrefix(t, root+"/"):
				rel = t[len(root)+1:]
			case j >= 0:
				rel = t[j+len(root)+2:]
			default:
				continue
			}
		}
		out = append(out, Object{Path: rel, Bytes: sizes[i]})
	}
	return out
}
