package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// Bytes formats a byte count for people: "1.5 MiB", "18 MiB", or "unknown"
// for the -1 that Flink writes when it did not record a size. (Written here
// rather than taken from go-humanize, whose math/big would grow the wasm.)
func Bytes(n int64) string {
	if n < 0 {
		return "unknown"
	}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, unit := float64(n), 0
	for v >= 1024 && unit < len(binaryUnits) {
		v /= 1024
		unit++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, binaryUnits[unit-1])
	}
	return fmt.Sprintf("%.0f %s", v, binaryUnits[unit-1])
}

var binaryUnits = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// Count formats a count with thousands separators: 1,234,567.
func Count[N ~int | ~int64](n N) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

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
