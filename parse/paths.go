package parse

import "github.com/ckptlens/ckptlens/parse/paths"

// The analysis names the path helpers of package paths as it always has.

type flinkPlace = paths.Place

const (
	sharedDir    = paths.SharedDir
	taskOwnedDir = paths.TaskOwnedDir
	metadataName = paths.MetadataName
)

func pathKey(p string) string                            { return paths.Key(p) }
func uriKey(scheme, authority, rest string) string       { return paths.URIKey(scheme, authority, rest) }
func splitURI(p string) (scheme, authority, rest string) { return paths.Split(p) }
func isObjectStore(scheme string) bool                   { return paths.IsObjectStore(scheme) }
func isAbsolutePath(p string) bool                       { return paths.IsAbsolute(p) }
func parentDir(p string) string                          { return paths.Parent(p) }
func baseName(p string) string                           { return paths.Base(p) }
func joinPath(dir, rel string) string                    { return paths.Join(dir, rel) }
func underKey(k, dir string) bool                        { return paths.Under(k, dir) }
func isChkDir(name string) bool                          { return paths.IsChkDir(name) }
func isSavepointDir(name string) bool                    { return paths.IsSavepointDir(name) }
func checkpointNumber(name string) int64                 { return paths.CheckpointNumber(name) }
func keyDir(key string) string                           { return paths.KeyDir(key) }
func writtenPrefix(p, keyPrefix string) string           { return paths.WrittenPrefix(p, keyPrefix) }
func placeInFlinkLayout(fileKey string) (flinkPlace, bool) {
	return paths.PlaceInFlinkLayout(fileKey)
}
