// Package paths matches the paths of snapshots and listings and knows
// Flink's checkpoint folder names.
package paths

import (
	"path"
	"strings"
)

// The same file is written in several URI forms: Flink writes
// "file:/tmp/x", users type "/tmp/x" or "file:///tmp/x"; S3 goes by s3, s3a
// and s3n; HDFS paths appear with and without the namenode authority, and
// `hdfs dfs -ls` prints them either way. Matching therefore uses a key that
// forgets those differences. Displayed paths are always the ones written.

// IsObjectStore reports whether scheme's authority is a bucket (or
// container) and so part of the object's name.
func IsObjectStore(scheme string) bool {
	switch scheme {
	case "s3", "s3a", "s3n", "s3p", "gs", "oss", "cos", "cosn", "obs", "abfs", "abfss", "wasb", "wasbs":
		return true
	}
	return false
}

// Key is the matching key of a path: for object stores "/bucket/key", for
// file systems (file, hdfs, viewfs, bare paths) the absolute path. It is
// cleaned: no trailing slash, no "//", no "." or "..".
func Key(p string) string {
	return URIKey(Split(p))
}

// URIKey is Key of a path Split has split.
func URIKey(scheme, authority, rest string) string {
	if IsObjectStore(scheme) {
		rest = "/" + azureAccount(authority) + "/" + strings.TrimPrefix(rest, "/")
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

// azureAccount names an Azure container by container@account alone: one
// account's Blob (wasbs://c@acct.blob.core.windows.net) and Data Lake
// (abfss://c@acct.dfs.core.windows.net) endpoints serve the same objects.
func azureAccount(authority string) string {
	at := strings.IndexByte(authority, '@')
	if at < 0 {
		return authority
	}
	host := strings.ToLower(authority[at+1:])
	if dot := strings.IndexByte(host, '.'); dot > 0 {
		switch host[dot+1:] {
		case "blob.core.windows.net", "dfs.core.windows.net",
			"blob.core.chinacloudapi.cn", "dfs.core.chinacloudapi.cn",
			"blob.core.usgovcloudapi.net", "dfs.core.usgovcloudapi.net":
			return authority[:at+1] + host[:dot]
		}
	}
	return authority
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

// Split splits "scheme://authority/path", "scheme:/path" and "/path".
// A Windows drive letter ("C:/x") is a path, not a scheme.
func Split(p string) (scheme, authority, rest string) {
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

// IsAbsolute tells a path with a root from one relative to a folder.
func IsAbsolute(p string) bool {
	s, _, rest := Split(p)
	return s != "" || strings.HasPrefix(rest, "/")
}

// Parent is the folder of p in p's own spelling ("" when p has none).
func Parent(p string) string {
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

// Base is the last element of p.
func Base(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// Join resolves a relative path against a folder, keeping the folder's
// spelling (as Flink's new Path(parent, child) does).
func Join(dir, rel string) string {
	if dir == "" {
		return rel
	}
	return strings.TrimRight(dir, "/") + "/" + strings.TrimPrefix(rel, "./")
}

// Under reports whether key k lies inside (or is) folder key dir.
func Under(k, dir string) bool {
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

// IsChkDir reports whether name is chk-N (N decimal digits).
func IsChkDir(name string) bool {
	digits, ok := strings.CutPrefix(name, "chk-")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// IsSavepointDir reports whether name is savepoint-<6 hex>-<12 hex>.
func IsSavepointDir(name string) bool {
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
	SharedDir    = "shared"
	TaskOwnedDir = "taskowned"
	MetadataName = "_metadata"
)

// Place is where a key sits in Flink's checkpoint layout.
type Place struct {
	JobDir string // key of <checkpoint root>/<job id>
	Area   string // "chk-N", "shared" or "taskowned"
	// sub is the first folder below shared/ or taskowned/ when the file is
	// not directly inside it (file merging's job_…_op_… / job_…_tm_…).
	Sub string
}

// PlaceInFlinkLayout finds the innermost chk-N/shared/taskowned folder of a
// file key. ok is false for paths outside any job checkpoint folder. The
// place's strings are substrings of the key: nothing is allocated.
func PlaceInFlinkLayout(fileKey string) (Place, bool) {
	// Only the file's folder and, for shared/ and taskowned/, the one
	// above it can be an area: chk-N holds files directly, and shared/ is
	// only a Flink area directly below a job folder, whose files sit at
	// most one folder deeper. An area needs a job folder with a parent
	// above it ("/<root>/<job>/shared/…" or "<root>/<job>/shared/…").
	last := strings.LastIndexByte(fileKey, '/')
	if last < 0 {
		return Place{}, false
	}
	folder := fileKey[:last]
	i := strings.LastIndexByte(folder, '/')
	if i < 0 || strings.LastIndexByte(folder[:i], '/') < 0 {
		return Place{}, false
	}
	if name := folder[i+1:]; IsChkDir(name) || name == SharedDir || name == TaskOwnedDir {
		return Place{JobDir: folder[:i], Area: name}, true
	}
	outer := folder[:i]
	j := strings.LastIndexByte(outer, '/')
	if j < 0 || strings.LastIndexByte(outer[:j], '/') < 0 {
		return Place{}, false
	}
	if name := outer[j+1:]; name == SharedDir || name == TaskOwnedDir {
		return Place{JobDir: outer[:j], Area: name, Sub: folder[i+1:]}, true
	}
	return Place{}, false
}

// CheckpointNumber is N of a chk-N folder name, or -1.
func CheckpointNumber(name string) int64 {
	if !IsChkDir(name) {
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

// KeyDir is path.Dir of a key (Key's output, so already clean).
func KeyDir(key string) string {
	switch i := strings.LastIndexByte(key, '/'); {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	default:
		return key[:i]
	}
}

// WrittenPrefix returns the part of the written path p that corresponds to
// the key prefix keyPrefix (same number of trailing elements removed).
func WrittenPrefix(p, keyPrefix string) string {
	drop := strings.Count(strings.TrimPrefix(Key(p), keyPrefix), "/")
	for ; drop > 0; drop-- {
		p = Parent(p)
	}
	return strings.TrimRight(p, "/")
}

// WithoutEntropy removes from folder key dir the one segment that entropy
// injection inserted above job folder key job: with s3.entropy.key, Flink
// writes a job's files under s3://b/<random>/cp/<job>/… while its
// _metadata stays under s3://b/cp/<job>/…. ok is false when dir is already
// in job, or differs from it by more than one segment.
func WithoutEntropy(dir, job string) (plain string, ok bool) {
	if job == "" || Under(dir, job) {
		return "", false
	}
	d, j := strings.Split(dir, "/"), strings.Split(job, "/")
	if len(d) <= len(j) {
		return "", false
	}
	k := 0
	for k < len(j) && d[k] == j[k] {
		k++
	}
	if k < 2 || k >= len(j) { // never the root or the bucket; above the job's name
		return "", false
	}
	plain = strings.Join(d[:k], "/") + "/" + strings.Join(d[k+1:], "/")
	return plain, Under(plain, job)
}

// ForStWorkingFolder finds ForSt's working folder in a key: with its default
// primary dir, a running Flink 2.x job keeps its live database in
// <job>/shared/op_<operator>__<subtask>__attempt_<N>/db/. job is the key
// of the job folder, folder the op_… folder's key.
func ForStWorkingFolder(key string) (job, folder string, ok bool) {
	i := strings.Index(key, "/"+SharedDir+"/op_")
	for i >= 0 {
		rest := key[i+len(SharedDir)+2:]
		if slash := strings.IndexByte(rest, '/'); slash > 0 && strings.Contains(rest[:slash], "__attempt_") &&
			strings.HasPrefix(rest[slash:], "/db/") && strings.LastIndexByte(key[:i], '/') > 0 {
			return key[:i], key[:i+len(SharedDir)+2+slash], true
		}
		next := strings.Index(key[i+1:], "/"+SharedDir+"/op_")
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return "", "", false
}
