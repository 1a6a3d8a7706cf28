package listing

import (
	"io"
	"strings"
)

// Scanner reads a listing line by line, detecting its format from the first
// line that carries an entry. Its memory does not grow with the listing's
// length: only a find listing's folders are remembered, to tell them from
// files (find prints both alike).
//
//	sc := listing.NewScanner(r)
//	for sc.Next() {
//		e := sc.Entry()
//	}
//	if err := sc.Err(); err != nil { … } // a *Error naming the line
type Scanner struct {
	lr     *lineReader
	format Format
	line   int
	entry  Entry
	err    error
	// folders are the folders above the entries read so far (find
	// listings only).
	folders map[string]struct{}
}

// NewScanner reads a listing from r.
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{lr: newLineReader(r)}
}

// Next reads the next entry; false at the end of the listing or at the
// first line that fits no format (Err says which).
func (s *Scanner) Next() bool {
	if s.err != nil {
		return false
	}
	for {
		line, ok, err := s.lr.next()
		if err != nil {
			s.err = &Error{Line: s.line + 1, Format: s.format, Expected: "a line shorter than 1 MiB", Found: err.Error()}
			return false
		}
		if !ok {
			if s.format == "" {
				s.err = &Error{Line: s.line, Expected: "at least one listed file", Found: "nothing"}
			}
			return false
		}
		s.line++
		if e, ok := s.parse(line); ok {
			s.entry = e
			return true
		}
		if s.err != nil {
			return false
		}
	}
}

// parse reads one line: ok when it holds an entry; a line that fits no
// format sets s.err.
func (s *Scanner) parse(line string) (Entry, bool) {
	if strings.TrimSpace(line) == "" {
		return Entry{}, false
	}
	if s.format == "" {
		f, ok := detect(line)
		if !ok {
			if !ignorable(line) {
				s.err = &Error{Line: s.line, Expected: "a line of hdfs dfs -ls -R, aws s3 ls --recursive, gsutil ls -l -r, rclone lsl or find -printf '%T@ %s %p\\n'", Found: clip(line)}
			}
			return Entry{}, false
		}
		s.format = f
		if f == FormatFind || f == FormatFindTimes {
			s.folders = map[string]struct{}{}
		}
	}
	e, skip, err := parseLine(s.format, line)
	if err != nil {
		s.err = &Error{Line: s.line, Format: s.format, Expected: err.Error(), Found: clip(line)}
		return Entry{}, false
	}
	if skip {
		return Entry{}, false
	}
	if s.folders != nil {
		s.noteFolders(&e)
	}
	return e, true
}

// noteFolders records every folder above a find entry (a filtered listing
// may skip levels) and marks the entry a folder when one was seen below it
// already (find -depth prints a folder after its contents).
func (s *Scanner) noteFolders(e *Entry) {
	p := strings.TrimSuffix(e.Path, "/")
	if s.IsFolder(p) || p == "." || p == "" {
		e.Dir, e.Bytes = true, 0
	}
	for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p, '/') {
		p = p[:i]
		if _, seen := s.folders[p]; seen {
			break
		}
		s.folders[strings.Clone(p)] = struct{}{}
	}
}

// IsFolder reports whether an entry below path has been read: in a find
// listing, where folders are printed like files, that makes path a folder.
// An entry read before its first child is marked only by Parse,
// which sees the whole listing; a streaming reader asks IsFolder at the end.
func (s *Scanner) IsFolder(path string) bool {
	_, ok := s.folders[strings.TrimSuffix(path, "/")]
	return ok
}

// Entry is the entry Next read.
func (s *Scanner) Entry() Entry { return s.entry }

// Err is the first line that fits no format, or the reader's error; nil at
// a clean end.
func (s *Scanner) Err() error { return s.err }

// Format is the detected format ("" before the first entry).
func (s *Scanner) Format() Format { return s.format }

// Line is the number of the line last read, from 1.
func (s *Scanner) Line() int { return s.line }

// Unterminated reports, at the end, whether the last line had no newline:
// the listing may have been cut short, and its last path with it.
func (s *Scanner) Unterminated() bool { return s.lr.unterminated }
