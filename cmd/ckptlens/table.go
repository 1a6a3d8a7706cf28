package main

import (
	"bufio"
	"io"
	"unicode/utf8"
)

// table prints aligned columns: text left, numbers right, so a person reads
// sizes at a glance. align has one letter per column, 'l' or 'r'; the last
// column is never padded.
type table struct {
	indent string
	align  string
	rows   [][]string
}

func newTable(indent, align string, header ...string) *table {
	t := &table{indent: indent, align: align}
	if len(header) > 0 {
		t.rows = append(t.rows, header)
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) print(w io.Writer) {
	printRows(w, t.indent, t.align, len(t.rows), func(i int, _ []string) []string { return t.rows[i] })
}

// printRows prints n rows as a table without holding them: row(i, cells)
// returns row i's cells (it may reuse cells) and is called twice per row,
// once to measure the columns and once to print. A snapshot of millions of
// operators or files prints in constant memory.
func printRows(w io.Writer, indent, align string, n int, row func(i int, cells []string) []string) {
	var width []int
	var cells []string
	for i := 0; i < n; i++ {
		cells = row(i, cells[:0])
		for c, s := range cells {
			if c >= len(width) {
				width = append(width, 0)
			}
			width[c] = max(width[c], utf8.RuneCountInString(s))
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	line := []byte{}
	for i := 0; i < n; i++ {
		cells = row(i, cells[:0])
		line = append(line[:0], indent...)
		for c, s := range cells {
			if c > 0 {
				line = append(line, "  "...)
			}
			pad := width[c] - utf8.RuneCountInString(s)
			switch {
			case c < len(align) && align[c] == 'r':
				line = appendSpaces(line, pad)
				line = append(line, s...)
			default:
				line = append(line, s...)
				if c < len(cells)-1 {
					line = appendSpaces(line, pad)
				}
			}
		}
		for len(line) > 0 && line[len(line)-1] == ' ' {
			line = line[:len(line)-1]
		}
		bw.Write(append(line, '\n'))
	}
	bw.Flush()
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}
