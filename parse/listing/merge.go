package listing

import (
	"cmp"
	"slices"
)

// Merge reads several listings (say, one per bucket) as one; nil
// ones are skipped, and a single one is returned as it is.
func Merge(ls []*Listing) *Listing {
	var merged, only *Listing
	for _, l := range ls {
		switch {
		case l == nil:
		case only == nil:
			only = l
		default:
			if merged == nil {
				merged = &Listing{Format: only.Format, Entries: slices.Clone(only.Entries), Unterminated: only.Unterminated}
			}
			merged.Entries = append(merged.Entries, l.Entries...)
			merged.Unterminated = merged.Unterminated || l.Unterminated
		}
	}
	return cmp.Or(merged, only)
}
