package parse

import (
	"path"
	"strings"
)

// The same file is written in several URI forms: Flink writes
// "file:/tmp/x", users type "/tmp/x" or "file:///tmp/x"; S3 goes by s3, s3a
// and s3n; HDFS paths appear with and without the namenode authority, and
// `hdfs dfs -ls` prints them either way. Matching therefore uses a key that
// forgets those differences. Displayed paths are always the ones written.

// isObjectStore reports whether scheme's authority is a bucket (or
// container) and so part of the object's name.
func isObjectStore(scheme string) bool {
	switch scheme {
	case "s3", "s3a", "s3n", "s3p", "gs", "oss", "cos", "cosn", "obs", "abfs", "abfss", "wasb", "wasbs":
		return true
	}
	return false
}

// pathKey is the matching key of a path: for object stores "/bucket/key", for
// file systems (file, hdfs, viewfs, bare paths) the absolute path. It is
// cleaned: no trailing slash, no "//", no "." or "..".
func pathKey(p string) string {
	return uriKey(splitURI(p))
}

// uriKey is pathKey of a path splitURI has split.
func uriKey(scheme, authority, rest string) string {
	if isObjectStore(scheme) {
		rest = "/" + authority + "/" + strings.TrimPrefix(rest, "/")
	}
	if rest == "" {
		return ""
	}
	// A relative path stays relative, so it never matches an absolute one.
	if isClean(rest) {
		return rest // most paths are; path.Clean would rebuild them byte by byte
	}
	return path.Clean(rest)
}

// isClean reports whether path.Clean(p) == p: no empty, "." or ".."
// element and no trailing slash (except the root itself).
func isClean(p string) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[len(p)-1] == '/' {
		return false
	}
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		switch p[start:i] {
		case "":
			if i != 0 { // "//"; a leading slash is the root
				return false
			}
		case ".", "..":
			return false
		}
		start = i + 1
	}
	return true
}

// splitURI splits "scheme://authority/path", "scheme:/path" and "/path".
// A Windows drive letter ("C:/x") is a path, not a scheme.
func splitURI(p string) (scheme, authority, rest string) {
	i := strings.IndexByte(p, ':')
	if i <= 1 {
		return "", "", p
	}
	for _, c := range []byte(p[:i]) {
		if c == '/' || c == '\\' {
			return "", "", p
		}
	}
	scheme = strings.ToLower(p[:i])
	rest = p[i+1:]
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return scheme, rest, "/"
		}
		authority, rest = rest[:j], rest[j:]
	}
	return scheme, authority, rest
}

// isAbsolutePath tells a path with a root from one relative to a folder.
func isAbsolutePath(p string) bool {
	s, _, rest := splitURI(p)
	return s != "" || strings.HasPrefix(rest, "/")
}

// parentDir is the folder of p in p's own spelling ("" when p has none).
func parentDir(p string) string {
	p = strings.TrimRight(p, "/")
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	if i == 0 || strings.HasSuffix(p[:i], ":/") || strings.HasSuffix(p[:i], ":") {
		return p[:i+1]
	}
	return p[:i]
}

// baseName is the last element of p.
func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// joinPath resolves a relative path against a folder, keeping the folder's
// spelling (as Flink's new Path(parent, child) does).
func joinPath(dir, rel string) string {
	if dir == "" {
		return rel
	}
	return strings.TrimRight(dir, "/") + "/" + strings.TrimPrefix(rel, "./")
}

// underKey reports whether key k lies inside (or is) folder key dir.
func underKey(k, dir string) bool {
	if dir == "" {
		return false
	}
	if dir == "/" {
		return strings.HasPrefix(k, "/")
	}
	return k == dir || strings.HasPrefix(k, dir+"/")
}

// Flink's folder names (AbstractFsCheckpointStorageAccess): chk-N, shared,
// taskowned; savepoints are savepoint-<jobid6>-<random12> (1.3+). Matched
// by hand: they are tested for every element of every path.

// isChkDir reports whether name is chk-N (N decimal digits).
func isChkDir(name string) bool {
	digits, ok := strings.CutPrefix(name, "chk-")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// isSavepointDir reports whether name is savepoint-<6 hex>-<12 hex>.
func isSavepointDir(name string) bool {
	const prefix = "savepoint-"
	if len(name) != len(prefix)+6+1+12 || !strings.HasPrefix(name, prefix) || name[len(prefix)+6] != '-' {
		return false
	}
	return isLowerHex(name[len(prefix):len(prefix)+6]) && isLowerHex(name[len(prefix)+7:])
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

const (
	sharedDir    = "shared"
	taskOwnedDir = "taskowned"
	metadataName = "_metadata"
)

// flinkPlace is where a key sits in Flink's checkpoint layout.
type flinkPlace struct {
	jobDir string // key of <checkpoint root>/<job id>
	area   string // "chk-N", "shared" or "taskowned"
	// sub is the first folder below shared/ or taskowned/ when the file is
	// not directly inside it (file merging's job_…_op_… / job_…_tm_…).
	sub string
}

// placeInFlinkLayout finds the innermost chk-N/shared/taskowned folder of a
// file key. ok is false for paths outside any job checkpoint folder. The
// place's strings are substrings of the key: nothing is allocated.
func placeInFlinkLayout(fileKey string) (flinkPlace, bool) {
	// Only the file's folder and, for shared/ and taskowned/, the one
	// above it can be an area: chk-N holds files directly, and shared/ is
	// only a Flink area directly below a job folder, whose files sit at
	// most one folder deeper. An area needs a job folder with a parent
	// above it ("/<root>/<job>/shared/…" or "<root>/<job>/shared/…").
	last := strings.LastIndexByte(fileKey, '/')
	if last < 0 {
		return flinkPlace{}, false
	}
	folder := fileKey[:last]
	i := strings.LastIndexByte(folder, '/')
	if i < 0 || strings.LastIndexByte(folder[:i], '/') < 0 {
		return flinkPlace{}, false
	}
	if name := folder[i+1:]; isChkDir(name) || name == sharedDir || name == taskOwnedDir {
		return flinkPlace{jobDir: folder[:i], area: name}, true
	}
	outer := folder[:i]
	j := strings.LastIndexByte(outer, '/')
	if j < 0 || strings.LastIndexByte(outer[:j], '/') < 0 {
		return flinkPlace{}, false
	}
	if name := outer[j+1:]; name == sharedDir || name == taskOwnedDir {
		return flinkPlace{jobDir: outer[:j], area: name, sub: folder[i+1:]}, true
	}
	return flinkPlace{}, false
}

// checkpointNumber is N of a chk-N folder name, or -1.
func checkpointNumber(name string) int64 {
	if !isChkDir(name) {
		return -1
	}
	var n int64
	for _, c := range name[len("chk-"):] {
		n = n*10 + int64(c-'0')
		if n > 1<<53 {
			return -1
		}
	}
	return n
}
