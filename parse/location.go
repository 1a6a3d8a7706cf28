package parse

import (
	"path"
	"regexp"
	"strings"
)

// The same file is written in several URI forms: Flink writes
// "file:/tmp/x", users type "/tmp/x" or "file:///tmp/x"; S3 goes by s3, s3a
// and s3n; HDFS paths appear with and without the namenode authority, and
// `hdfs dfs -ls` prints them either way. Matching therefore uses a key that
// forgets those differences. Displayed paths are always the ones written.

// objectStores are schemes whose authority is a bucket (or container) and so
// part of the object's name.
var objectStores = map[string]string{
	"s3": "s3", "s3a": "s3", "s3n": "s3", "s3p": "s3",
	"gs": "gs", "oss": "oss", "cos": "cos", "cosn": "cos", "obs": "obs",
	"abfs": "abfs", "abfss": "abfs", "wasb": "wasb", "wasbs": "wasb",
}

// pathKey is the matching key of a path: for object stores "/bucket/key", for
// file systems (file, hdfs, viewfs, bare paths) the absolute path. It is
// cleaned: no trailing slash, no "//", no "." or "..".
func pathKey(p string) string {
	scheme, authority, rest := splitURI(p)
	if _, ok := objectStores[scheme]; ok {
		rest = "/" + authority + "/" + strings.TrimPrefix(rest, "/")
	}
	if rest == "" {
		return ""
	}
	// A relative path stays relative, so it never matches an absolute one.
	return path.Clean(rest)
}

// splitURI splits "scheme://authority/path", "scheme:/path" and "/path".
// A Windows drive letter ("C:/x") is a path, not a scheme.
func splitURI(p string) (scheme, authority, rest string) {
	i := strings.Index(p, ":")
	if i <= 1 || strings.ContainsAny(p[:i], "/\\") {
		return "", "", p
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
// taskowned; savepoints are savepoint-<jobid6>-<random12> (1.3+).
var (
	chkDirRE       = regexp.MustCompile(`^chk-([0-9]+)$`)
	savepointDirRE = regexp.MustCompile(`^savepoint-[0-9a-f]{6}-[0-9a-f]{12}$`)
)

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
// file key. ok is false for paths outside any job checkpoint folder.
func placeInFlinkLayout(fileKey string) (flinkPlace, bool) {
	parts := strings.Split(fileKey, "/")
	// parts[len-1] is the file name; look at its folders from the inside out.
	for i := len(parts) - 2; i >= 2; i-- {
		name := parts[i]
		if chkDirRE.MatchString(name) || name == sharedDir || name == taskOwnedDir {
			if name == sharedDir || name == taskOwnedDir {
				// shared/ is only a Flink area directly below a job folder,
				// whose files sit at most one folder deeper.
				if i < len(parts)-3 {
					continue
				}
			} else if i != len(parts)-2 {
				continue // chk-N holds files directly
			}
			pl := flinkPlace{jobDir: strings.Join(parts[:i], "/"), area: name}
			if i < len(parts)-2 {
				pl.sub = parts[i+1]
			}
			return pl, true
		}
	}
	return flinkPlace{}, false
}

// checkpointNumber is N of a chk-N folder name, or -1.
func checkpointNumber(name string) int64 {
	m := chkDirRE.FindStringSubmatch(name)
	if m == nil {
		return -1
	}
	var n int64
	for _, c := range m[1] {
		n = n*10 + int64(c-'0')
		if n > 1<<53 {
			return -1
		}
	}
	return n
}
