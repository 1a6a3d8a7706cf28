// Package deletecmd turns a reviewed deletion plan into ready-made shell
// commands for the storage the listing came from: hdfs dfs, aws s3, gsutil,
// rclone, or rm through xargs. Every path is single-quoted for a POSIX
// shell; a path no quoting makes safe to paste (control characters such as
// a newline, invisible formatting characters, a leading "-") is refused
// with the reason, and then no command is made at all.
package deletecmd

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// Tool is a storage's delete command.
type Tool string

const (
	HDFS   Tool = "hdfs"   // hdfs dfs -rm -r
	AWS    Tool = "aws"    // aws s3 rm
	GSUtil Tool = "gsutil" // gsutil -m rm
	Rclone Tool = "rclone" // rclone delete
	Xargs  Tool = "xargs"  // xargs -0 rm -r --
)

// Tools are every tool, in the order a menu offers them.
var Tools = []Tool{HDFS, AWS, GSUtil, Rclone, Xargs}

// Describe names a tool's command as a person reads it.
func (t Tool) Describe() string {
	switch t {
	case HDFS:
		return "hdfs dfs -rm -r"
	case AWS:
		return "aws s3 rm"
	case GSUtil:
		return "gsutil -m rm"
	case Rclone:
		return "rclone delete"
	case Xargs:
		return "xargs rm"
	}
	return string(t)
}

// ToolFor is the tool that deletes from the storage a listing format lists.
func ToolFor(f listing.Format) Tool {
	switch f {
	case listing.FormatHDFS:
		return HDFS
	case listing.FormatS3:
		return AWS
	case listing.FormatGSUtil:
		return GSUtil
	case listing.FormatRclone:
		return Rclone
	}
	return Xargs
}

// Target is one folder (deleted whole) or file of a plan.
type Target struct {
	Path string
	Dir  bool
}

// UnsafePathError says why a path gets no command.
type UnsafePathError struct {
	Path   string
	Reason string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("no command is made: the path %q %s; delete it by hand after checking it", e.Path, e.Reason)
}

// Script is the commands that delete targets with tool, one a line (for
// xargs, one pipeline). It refuses the whole plan when one path is unsafe,
// so a pasted script never silently skips or mangles a path.
func Script(tool Tool, targets []Target) (string, error) {
	var b strings.Builder
	var paths []string
	for _, t := range targets {
		p, err := toolPath(tool, t.Path)
		if err != nil {
			return "", err
		}
		if tool == Xargs {
			paths = append(paths, Quote(p))
			continue
		}
		b.WriteString(command(tool, t.Dir))
		b.WriteByte(' ')
		b.WriteString(Quote(p))
		b.WriteByte('\n')
	}
	if tool == Xargs && len(paths) > 0 {
		// NUL-separated, so xargs never splits a path at a space or quote.
		b.WriteString("printf '%s\\0' \\\n  ")
		b.WriteString(strings.Join(paths, " \\\n  "))
		b.WriteString(" \\\n  | xargs -0 rm -r --\n")
	}
	return b.String(), nil
}

func command(tool Tool, dir bool) string {
	switch tool {
	case HDFS:
		if dir {
			return "hdfs dfs -rm -r"
		}
		return "hdfs dfs -rm"
	case AWS:
		if dir {
			return "aws s3 rm --recursive"
		}
		return "aws s3 rm"
	case GSUtil:
		if dir {
			return "gsutil -m rm -r"
		}
		return "gsutil -m rm"
	case Rclone:
		if dir {
			return "rclone delete --rmdirs"
		}
		return "rclone delete"
	}
	return ""
}

// Quote single-quotes s for a POSIX shell: inside single quotes nothing is
// special ($(), backquotes, spaces, *), and a single quote is written as '\”.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// toolPath checks a path and writes it as tool expects it.
func toolPath(tool Tool, p string) (string, error) {
	if err := checkPath(p); err != nil {
		return "", err
	}
	scheme, rest, hasScheme := strings.Cut(p, "://")
	switch tool {
	case AWS:
		if !hasScheme || (scheme != "s3" && scheme != "s3a" && scheme != "s3n") {
			return "", &UnsafePathError{p, "is not an s3:// URL (give the listing's bucket as its prefix)"}
		}
		p = "s3://" + rest
	case GSUtil:
		if !hasScheme || scheme != "gs" {
			return "", &UnsafePathError{p, "is not a gs:// URL (give the listing's bucket as its prefix)"}
		}
	case HDFS:
		if !strings.HasPrefix(p, "/") && !(hasScheme && (scheme == "hdfs" || scheme == "viewfs" || scheme == "webhdfs")) {
			return "", &UnsafePathError{p, "is neither an hdfs:// URL nor an absolute path"}
		}
	case Rclone:
		if hasScheme || !strings.Contains(p, ":") {
			return "", &UnsafePathError{p, "is not an rclone remote:path (give the remote as the listing's prefix)"}
		}
	case Xargs:
		p = strings.TrimPrefix(strings.TrimPrefix(p, "file://"), "file:")
		if !strings.HasPrefix(p, "/") {
			return "", &UnsafePathError{p, "is not an absolute local path"}
		}
	}
	if tooShallow(p) {
		return "", &UnsafePathError{p, "is a bucket or file system root"}
	}
	return p, nil
}

// checkPath refuses what quoting cannot make safe to read and paste.
func checkPath(p string) error {
	switch {
	case p == "":
		return &UnsafePathError{p, "is empty"}
	case !utf8.ValidString(p):
		return &UnsafePathError{p, "is not valid UTF-8"}
	case strings.HasPrefix(p, "-"):
		return &UnsafePathError{p, "starts with '-', which a command reads as an option"}
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return &UnsafePathError{p, fmt.Sprintf("holds the control character %U (a newline or tab would split or hide it)", r)}
		}
		if unicode.Is(unicode.Cf, r) {
			return &UnsafePathError{p, fmt.Sprintf("holds the invisible formatting character %U, which can make it read as another path", r)}
		}
	}
	return nil
}

// tooShallow reports a path that names a whole bucket, remote or file
// system: no plan deletes one, and a command for it would be a disaster.
func tooShallow(p string) bool {
	if _, rest, ok := strings.Cut(p, "://"); ok {
		p = rest
		_, p, _ = strings.Cut(p, "/") // the bucket or host
	} else if i := strings.Index(p, ":"); i > 0 && !strings.HasPrefix(p, "/") {
		p = p[i+1:] // rclone's remote:
	}
	return strings.Trim(p, "/") == ""
}
