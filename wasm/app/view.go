package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
)

// sortState is one table's sort column and direction. Its methods are used
// from the .vugu templates.
type sortState struct {
	Key  string
	Desc bool
}

// Toggle sorts by key, flipping the direction when key is already the column.
// Numbers start largest first, because that is what people look for.
func (s *sortState) Toggle(key string, numeric bool) {
	if s.Key == key {
		s.Desc = !s.Desc
		return
	}
	s.Key, s.Desc = key, numeric
}

// Aria is the aria-sort value of the column key.
func (s sortState) Aria(key string) string {
	switch {
	case s.Key != key:
		return "none"
	case s.Desc:
		return "descending"
	default:
		return "ascending"
	}
}

// Arrow is the visible sort mark of the column key.
func (s sortState) Arrow(key string) string {
	switch {
	case s.Key != key:
		return ""
	case s.Desc:
		return " ▼"
	default:
		return " ▲"
	}
}

// sortBy sorts rows by the column picked in s; columns maps a key to a
// comparison. Ties keep the engine's order.
func sortBy[T any](rows []T, s sortState, columns map[string]func(a, b T) int) {
	cmpFn, ok := columns[s.Key]
	if !ok {
		return
	}
	slices.SortStableFunc(rows, func(a, b T) int {
		if s.Desc {
			return cmpFn(b, a)
		}
		return cmpFn(a, b)
	})
}

func byString[T any](f func(T) string) func(a, b T) int {
	return func(a, b T) int { return strings.Compare(f(a), f(b)) }
}

func byInt[T any, N cmp.Ordered](f func(T) N) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(f(a), f(b)) }
}

// Bytes formats a byte count for people: "1.5 MiB", or "unknown" for the -1
// that Flink writes when it did not record a size.
func Bytes(n int64) string {
	if n < 0 {
		return "unknown"
	}
	return humanize.IBytes(uint64(n))
}

// Count formats a count with thousands separators.
func Count[N ~int | ~int64](n N) string { return humanize.Comma(int64(n)) }

// Raw is the exact value of a number cell, kept in data-v for tests and copy.
func Raw[N ~int | ~int64 | ~uint64 | ~uint32](n N) string { return strconv.FormatInt(int64(n), 10) }

// Share is part/total as a percentage with one decimal.
func Share(part, total int64) string {
	if total <= 0 || part < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(total))
}

// Width is part/total as a CSS width for a bar; tiny parts stay visible.
func Width(part, total int64) string {
	if total <= 0 || part <= 0 {
		return "width:0"
	}
	pct := 100 * float64(part) / float64(total)
	return fmt.Sprintf("width:%.3f%%", max(pct, 0.2))
}

// YesNo renders a boolean for a summary row.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
