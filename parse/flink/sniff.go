package flink

import (
	"bytes"
	"unicode/utf8"
)

// DescribeContent names, in a user's words, what the first bytes of an input
// look like when it is not a snapshot: "a PNG image", "a zip archive",
// "a text file", "an empty file". It returns "" when it cannot tell.
// parse.Decode uses it too, so every decoder explains foreign input alike.
func DescribeContent(head []byte) string {
	if len(head) == 0 {
		return "an empty file"
	}
	for _, s := range signatures {
		if bytes.HasPrefix(head, s.magic) {
			return s.what
		}
	}
	if looksLikeText(head) {
		return "a text file"
	}
	return ""
}

var signatures = []struct {
	magic []byte
	what  string
}{
	{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
	{[]byte("\xff\xd8\xff"), "a JPEG image"},
	{[]byte("GIF8"), "a GIF image"},
	{[]byte("%PDF"), "a PDF document"},
	{[]byte("PK\x03\x04"), "a zip archive"},
	{[]byte("PK\x05\x06"), "an empty zip archive"},
	{[]byte("\x1f\x8b"), "a gzip-compressed file"},
	{[]byte("BZh"), "a bzip2-compressed file"},
	{[]byte("\x28\xb5\x2f\xfd"), "a zstd-compressed file"},
	{[]byte("\xfd7zXZ\x00"), "an xz-compressed file"},
	{[]byte("7z\xbc\xaf\x27\x1c"), "a 7-zip archive"},
	{[]byte("\x7fELF"), "an ELF executable"},
	{[]byte("\xca\xfe\xba\xbe"), "a Java class file"},
	{[]byte("SQLite format 3\x00"), "an SQLite database"},
	{[]byte("PAR1"), "a Parquet file"},
	{[]byte("Obj\x01"), "an Avro file"},
	{[]byte("ORC"), "an ORC file"},
}

// looksLikeText is true for UTF-8 without control characters other than
// whitespace (a cut-off last rune is allowed).
func looksLikeText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(b)-i < 4 && utf8.RuneStart(c) // truncated final rune
		}
		i += n
	}
	return true
}
