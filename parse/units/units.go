// Package units formats byte counts and counts for people, the same way in
// the page and in the CLI. Sizes are in binary (IEC) units, KiB, MiB, GiB,
// as the storage tools people compare them with print them (`hdfs dfs -du
// -h`, `aws s3 ls --human-readable`, `gsutil du -h`).
package units

import (
	"strconv"
	"time"
)

// Bytes formats a byte count: "512 B", "1.5 KiB", "18 MiB". A negative
// count is the -1 Flink writes when it recorded no size: "unknown".
// (strconv, not fmt or math/big: the page's wasm stays small.)
func Bytes(n int64) string {
	if n < 0 {
		return "unknown"
	}
	if n == 0 { // most cells of an operator table: no allocation
		return "0 B"
	}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, unit := float64(n), -1
	for v >= 1024 && unit+1 < len(binaryUnits) {
		v /= 1024
		unit++
	}
	prec := 0
	if v < 10 {
		prec = 1
	}
	// 9.96 KiB rounds to "10.0": print it as the next size's "10 KiB".
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if prec == 1 && s == "10.0" {
		s = "10"
	}
	if prec == 0 && s == "1024" && unit+1 < len(binaryUnits) {
		s, unit = "1.0", unit+1
	}
	return s + " " + binaryUnits[unit]
}

var binaryUnits = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// Count formats a count with thousands separators: 1,234,567.
func Count[N ~int | ~int64](n N) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// UnixTime formats seconds since the epoch in UTC, or "never" for 0 (a
// SlateDB checkpoint that does not expire).
func UnixTime(sec int64) string {
	if sec == 0 {
		return "never"
	}
	return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04:05Z")
}
