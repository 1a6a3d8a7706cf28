package analysis

import (
	"slices"
	"sort"
	"strings"

	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
	"github.com/ckptlens/ckptlens/parse/report"
)

// locate works out where a snapshot lives: the user's base first; then the
// folder it was read from when that is a chk-N or savepoint folder (or,
// when that folder is a copy, the same folder in the namespace of its
// absolute paths); then the chk-N folder its own absolute paths point to;
// then the folder it was read from, whatever it is.
func locate(snap *model.Snapshot, keys keyedFiles, base string) location.Location {
	readDir := sourceDir(snap.Source)
	if isSlateDB(snap.Format) {
		return locateSlateDB(readDir, base)
	}
	chkDirs, jobDirs := absoluteLayout(snap, keys)
	ownJob := mostCommon(jobDirs, "")
	withJob := func(l location.Location) location.Location {
		if l.Kind == location.KindCheckpoint {
			l.JobDir = paths.Parent(l.Dir)
		} else if l.Kind != location.KindSavepoint {
			l.JobDir = ownJob
		}
		return l
	}
	if base != "" {
		dir := strings.TrimRight(strings.TrimSuffix(base, "/"+paths.MetadataName), "/")
		return withJob(location.Location{Dir: dir, From: location.FromBase, Kind: folderKind(dir)})
	}
	if readDir != "" {
		if kind := folderKind(readDir); kind != location.KindFolder {
			if kind == location.KindCheckpoint {
				// A copy: the job folder it was read from has the same name
				// (the job id) as the one its absolute paths point to.
				readJob := paths.Parent(readDir)
				if readJob == "" && ownJob != "" {
					// A chk-N folder dropped on the page on its own: its job
					// is the one its absolute paths name most.
					return location.Location{Dir: paths.Join(ownJob, readDir), From: location.FromAbsolutePaths, Kind: kind, JobDir: ownJob, ReadFrom: readDir}
				}
				for _, j := range sortedByCount(jobDirs) {
					if paths.Base(j) == paths.Base(readJob) && paths.Key(j) != paths.Key(readJob) && !entropyOf(j, readJob) {
						return location.Location{Dir: paths.Join(j, paths.Base(readDir)), From: location.FromAbsolutePaths, Kind: kind, JobDir: j, ReadFrom: readDir}
					}
				}
			}
			return withJob(location.Location{Dir: readDir, From: location.FromReadPath, Kind: kind})
		}
	}
	// The chk-N folder of its own checkpoint id that the absolute paths
	// name (exclusive files are absolute when the file system injects
	// entropy).
	own := ""
	for _, d := range sortedByCount(chkDirs) {
		// Another checkpoint's folder (after a restore) is never taken for
		// its own; only when the id is unknown does the count decide.
		if n := paths.CheckpointNumber(paths.Base(d)); n == snap.CheckpointID || snap.CheckpointID <= 0 {
			own = d
			break
		}
	}
	if own != "" {
		return withJob(location.Location{Dir: own, From: location.FromAbsolutePaths, Kind: location.KindCheckpoint})
	}
	if readDir != "" {
		return withJob(location.Location{Dir: readDir, From: location.FromReadPath, Kind: location.KindFolder})
	}
	return withJob(location.Location{})
}

// entropyOf reports whether job folder j is readJob with an entropy
// segment inserted: the job's data files, not a copy of its folder.
func entropyOf(j, readJob string) bool {
	_, ok := paths.WithoutEntropy(paths.Key(j), paths.Key(readJob))
	return ok
}

// sourceDir is the folder a snapshot was read from: the parent of the file,
// or the source itself when it names a chk-N or savepoint folder.
func sourceDir(source string) string {
	if source == "" || !strings.Contains(source, "/") {
		return ""
	}
	if folderKind(source) != location.KindFolder {
		return strings.TrimRight(source, "/")
	}
	return paths.Parent(source)
}

func folderKind(dir string) location.Kind {
	name := paths.Base(dir)
	switch {
	case paths.IsChkDir(name):
		return location.KindCheckpoint
	case paths.IsSavepointDir(name):
		return location.KindSavepoint
	}
	return location.KindFolder
}

// isSlateDB tells SlateDB's files (manifests, compactor state), which name
// objects relative to the database root.
func isSlateDB(f model.Format) bool {
	return f == model.FormatSlateDB || f == model.FormatSlateDBCompactions
}

// locateSlateDB finds the database root: manifests live in <root>/manifest/,
// the compactor's state in <root>/compactions/.
func locateSlateDB(readDir, base string) location.Location {
	if base != "" {
		return location.Location{Dir: strings.TrimRight(base, "/"), From: location.FromBase, Kind: location.KindDatabase}
	}
	if name := paths.Base(readDir); readDir != "" && (name == "manifest" || name == "compactions") {
		return location.Location{Dir: paths.Parent(readDir), From: location.FromReadPath, Kind: location.KindDatabase}
	}
	return location.Location{}
}

// absoluteLayout counts the chk-N folders and job folders that the
// snapshot's absolute paths fall in, in their written spelling.
func absoluteLayout(snap *model.Snapshot, keys keyedFiles) (chkDirs, jobDirs map[string]int) {
	chkDirs, jobDirs = map[string]int{}, map[string]int{}
	written := map[string]string{} // job folder key → its first spelling
	type chkDir struct{ job, area string }
	chks := map[chkDir]int{}      // joined once per folder, not per file
	lastJobKey, lastJob := "", "" // neighbouring files mostly share the job folder
	lastJobFiles := 0             // files of lastJob not yet added to jobDirs
	var folder folderFacts
	for i := range snap.Files {
		f := &snap.Files[i]
		if f.Relative || keys.keys[i] == "" {
			continue
		}
		folder.of(keys, i, "")
		if !folder.inLayout {
			continue
		}
		pl := folder.place
		// Cut the written path at the same depth as the key's job folder.
		job := lastJob
		if pl.JobDir != lastJobKey || lastJobKey == "" {
			if lastJobFiles > 0 {
				jobDirs[lastJob] += lastJobFiles
				lastJobFiles = 0
			}
			var seen bool
			if job, seen = written[pl.JobDir]; !seen {
				job = paths.WrittenPrefix(f.Path, pl.JobDir)
				written[pl.JobDir] = job
			}
			lastJobKey, lastJob = pl.JobDir, job
		}
		lastJobFiles++
		if strings.HasPrefix(pl.Area, "chk-") {
			chks[chkDir{job, pl.Area}]++
		}
	}
	if lastJobFiles > 0 {
		jobDirs[lastJob] += lastJobFiles
	}
	for d, n := range chks {
		chkDirs[paths.Join(d.job, d.area)] += n
	}
	return chkDirs, jobDirs
}

// keyedFiles are the matching keys of a snapshot's files, computed once per
// snapshot for locating and classifying alike.
type keyedFiles struct {
	// keys are paths.Key of each file's path when it is absolute, else "".
	keys []string
	// runs number the runs of neighbouring absolute paths written in one
	// folder (the same text before the last slash). Files of a run share
	// paths.KeyDir of their keys, so what depends only on the folder is worked
	// out once per run: a checkpoint lists its files folder by folder.
	runs []int32
}

// folderFacts is what the analysis needs of a file's folder, kept for the
// run of files (keyedFiles.runs) it was worked out for.
type folderFacts struct {
	run      int32 // 0 before the first run
	dir      string
	place    paths.Place
	inLayout bool
	// plain is dir without the segment entropy injection put above the
	// snapshot's job folder ("" without one); place is then plain's.
	plain string
}

// of makes f describe the folder of file i, working it out only when file i
// starts another run. job is the key of the snapshot's job folder.
func (f *folderFacts) of(keys keyedFiles, i int, job string) {
	if r := keys.runs[i]; r != f.run {
		f.run = r
		f.dir = paths.KeyDir(keys.keys[i])
		f.plain = ""
		// Only a path that then lies in the job's chk-N, shared/ or
		// taskowned/ is an entropy variant (dstl/<job>/dstl is not).
		if plain, ok := paths.WithoutEntropy(f.dir, job); ok {
			if f.place, f.inLayout = paths.PlaceInFlinkLayout(plain + "/" + paths.Base(keys.keys[i])); f.inLayout {
				f.plain = plain
				return
			}
		}
		f.place, f.inLayout = paths.PlaceInFlinkLayout(keys.keys[i])
	}
}

// fileKeys computes keyedFiles. A path in the same written folder as the
// path before it has that folder's key followed by its own name, when its
// name is an ordinary one (not "", "." or ".."): nothing is split, cleaned
// or, for most schemes, allocated again.
func fileKeys(snap *model.Snapshot) keyedFiles {
	kf := keyedFiles{keys: make([]string, len(snap.Files)), runs: make([]int32, len(snap.Files))}
	var run int32
	var dir, dirKey string // the folder of the last absolute path, as written and as key
	inPlace := false       // dirKey is the end of dir, so keys are the paths' tails
	for i := range snap.Files {
		p := snap.Files[i].Path
		if d := len(dir); d > 0 && len(p) > d+1 && p[d] == '/' && p[:d] == dir && isPlainName(p[d+1:]) {
			if inPlace {
				kf.keys[i] = p[d-len(dirKey):]
			} else {
				kf.keys[i] = dirKey + p[d:]
			}
			kf.runs[i] = run
			continue
		}
		scheme, authority, rest := paths.Split(p)
		if scheme == "" && !strings.HasPrefix(rest, "/") { // paths.IsAbsolute
			continue
		}
		key := paths.URIKey(scheme, authority, rest)
		kf.keys[i] = key
		run++
		kf.runs[i] = run
		// Later paths may take this folder's key when the key ends in the
		// same name as the path.
		dir = ""
		j, k := strings.LastIndexByte(p, '/'), strings.LastIndexByte(key, '/')
		if j > 0 && k > 0 && p[j:] == key[k:] && isPlainName(p[j+1:]) {
			dir, dirKey = p[:j], key[:k]
			inPlace = strings.HasSuffix(dir, dirKey)
		}
	}
	return kf
}

// isPlainName reports whether a path element is kept as it is by cleaning
// (neither empty nor "." nor "..") and has no slash.
func isPlainName(name string) bool {
	return name != "" && name != "." && name != ".." && strings.IndexByte(name, '/') < 0
}

func sortedByCount(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

func mostCommon(m map[string]int, none string) string {
	if s := sortedByCount(m); len(s) > 0 {
		return s[0]
	}
	return none
}

// dependencies groups the files by folder and role.
func dependencies(snap *model.Snapshot, loc location.Location, fileKeys keyedFiles) ([]report.Dependency, []report.FileRef) {
	deps := []report.Dependency{}
	refs := make([]report.FileRef, len(snap.Files))
	// A group is a folder (its key when the path has one, else as written)
	// and a role.
	type group struct {
		dir  string
		role report.Role
	}
	index := map[group]int{}
	var lastGroup group
	last := -1
	keys := locationKeys{dir: paths.Key(loc.Dir), job: paths.Key(loc.JobDir)}
	var folder folderFacts
	for i := range snap.Files {
		f := &snap.Files[i]
		key := fileKeys.keys[i]
		if key != "" {
			folder.of(fileKeys, i, keys.job)
		}
		p, role, checkpoint := classify(snap, loc, keys, f, key, &folder)
		if p != f.Path { // resolved against the snapshot's folder
			key = ""
			if paths.IsAbsolute(p) {
				key = paths.Key(p)
			}
		}
		g := group{role: role}
		switch {
		case key == "":
			if g.dir = paths.Parent(p); g.dir == "" {
				g.dir = "."
			}
		case p == f.Path && folder.plain != "":
			g.dir = folder.plain // one folder for all the job's entropy prefixes
		case p == f.Path:
			g.dir = folder.dir
		default:
			g.dir = paths.KeyDir(key)
		}
		// Neighbouring files mostly share their group: the last one
		// answers without hashing the folder.
		d := last
		if d < 0 || g != lastGroup {
			var ok bool
			if d, ok = index[g]; !ok {
				d = len(deps)
				index[g] = d
				dir := paths.Parent(p) // the folder as the group's first file writes it
				if dir == "" && key == "" {
					dir = "."
				}
				if g.dir == folder.plain && folder.plain != "" {
					dir = paths.Join(loc.JobDir, strings.TrimPrefix(folder.plain, keys.job+"/"))
				}
				deps = append(deps, report.Dependency{Dir: dir, Role: role, Checkpoint: checkpoint})
			}
			lastGroup, last = g, d
		}
		dep := &deps[d]
		dep.Files++
		if f.Bytes >= 0 {
			dep.Bytes += f.Bytes
		} else {
			dep.UnknownSizeFiles++
		}
		dep.Segments += f.Segments
		if !slices.Contains(dep.Kinds, f.Kind) {
			dep.Kinds = append(dep.Kinds, f.Kind)
		}
		refs[i] = report.FileRef{Path: p, Dependency: d, Role: role, Key: key}
	}
	if snap.InlineBytes > 0 {
		deps = append(deps, report.Dependency{Dir: metadataPath(snap, loc), Role: report.RoleInline, Bytes: snap.InlineBytes})
	}
	return sortDependencies(deps, refs)
}

// sortDependencies orders the dependencies from "most its own" to "least",
// then by folder, and renumbers the file references to match.
func sortDependencies(deps []report.Dependency, refs []report.FileRef) ([]report.Dependency, []report.FileRef) {
	order := make([]int, len(deps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := deps[order[a]], deps[order[b]]
		if roleOrder[x.Role] != roleOrder[y.Role] {
			return roleOrder[x.Role] < roleOrder[y.Role]
		}
		return x.Dir < y.Dir
	})
	sorted := make([]report.Dependency, len(deps))
	newIndex := make([]int, len(deps))
	for to, from := range order {
		sorted[to] = deps[from]
		newIndex[from] = to
	}
	for i := range refs {
		refs[i].Dependency = newIndex[refs[i].Dependency]
	}
	for i := range sorted {
		sort.Slice(sorted[i].Kinds, func(a, b int) bool { return sorted[i].Kinds[a] < sorted[i].Kinds[b] })
	}
	return sorted, refs
}

// metadataPath is where the snapshot file itself is, as well as known.
func metadataPath(snap *model.Snapshot, loc location.Location) string {
	if snap.Format == model.FormatFlink && loc.Dir != "" && loc.Kind != location.KindFolder {
		return paths.Join(loc.Dir, paths.MetadataName)
	}
	if snap.Source != "" {
		return snap.Source
	}
	return paths.MetadataName
}

// locationKeys are the matching keys of a location.Location's folders.
type locationKeys struct{ dir, job string }

// classify resolves one file and gives its role, plus the chk-N or savepoint
// folder it belongs to when that is not the snapshot's own. key is the
// file's key (keyedFiles) and folder describes its folder when key is set.
func classify(snap *model.Snapshot, loc location.Location, keys locationKeys, f *model.File, key string, folder *folderFacts) (resolved string, role report.Role, checkpoint string) {
	relative := f.Relative || key == "" // keys are set for absolute paths only
	if isSlateDB(snap.Format) {
		return classifySlateDB(loc, f, relative)
	}
	if relative {
		if loc.Dir == "" {
			return f.Path, report.RoleRelative, ""
		}
		resolved = paths.Join(loc.Dir, f.Path)
		if loc.Kind == location.KindFolder && loc.From != location.FromBase {
			// Read from a folder that is not recognisably the snapshot's
			// own: the files are only presumed to be there.
			return resolved, report.RoleRelative, ""
		}
		return resolved, report.RoleExclusive, ""
	}
	if loc.Dir != "" && (folder.dir == keys.dir || folder.plain == keys.dir) {
		return f.Path, report.RoleExclusive, ""
	}
	if pl, ok := folder.place, folder.inLayout; ok {
		if loc.JobDir == "" || pl.JobDir != keys.job {
			if strings.HasPrefix(pl.Area, "chk-") {
				checkpoint = pl.Area
			}
			return f.Path, report.RoleOtherCheckpoint, checkpoint
		}
		switch {
		case strings.HasPrefix(pl.Area, "chk-"):
			return f.Path, report.RoleOtherCheckpoint, pl.Area
		case f.Kind == model.KindSegment || f.Segments > 0 || pl.Sub != "":
			return f.Path, report.RoleFileMerging, ""
		case pl.Area == paths.SharedDir:
			return f.Path, report.RoleShared, ""
		default:
			return f.Path, report.RoleTaskOwned, ""
		}
	}
	if job, _, ok := paths.ForStWorkingFolder(key); ok {
		if loc.JobDir != "" && (job == keys.job || folder.plain != "") {
			return f.Path, report.RoleForSt, ""
		}
		return f.Path, report.RoleOtherCheckpoint, ""
	}
	switch name := paths.Base(paths.Parent(f.Path)); {
	case f.Kind == model.KindSegment || f.Segments > 0:
		return f.Path, report.RoleFileMerging, ""
	case f.Kind == model.KindChangelog:
		return f.Path, report.RoleChangelog, ""
	case paths.IsSavepointDir(name):
		return f.Path, report.RoleOtherCheckpoint, name
	}
	return f.Path, report.RoleExternal, ""
}

// classifySlateDB places SlateDB objects: paths relative to the database
// root. The manifest is the snapshot's own; SSTs and WAL files in its root
// are shared with other manifests and checkpoints of the database; objects
// of other databases (a clone's parents) are another snapshot's.
func classifySlateDB(loc location.Location, f *model.File, relative bool) (string, report.Role, string) {
	p := f.Path
	if f.Database != "" {
		// Another database's object: its path is relative to the object
		// store's root.
		if root := slateDBStoreRoot(loc.Dir, f.Database); root != "" && !paths.IsAbsolute(f.Path) {
			p = paths.Join(root, f.Path)
		}
		return p, report.RoleOtherCheckpoint, ""
	}
	if relative && loc.Dir != "" {
		p = paths.Join(loc.Dir, f.Path)
	}
	inRoot := relative || (loc.Dir != "" && paths.Under(paths.Key(p), paths.Key(loc.Dir)))
	switch {
	case !inRoot:
		return p, report.RoleOtherCheckpoint, ""
	case f.Kind == model.KindManifest:
		return p, report.RoleExclusive, ""
	case relative && loc.Dir == "":
		return p, report.RoleRelative, ""
	}
	return p, report.RoleShared, ""
}

// slateDBStoreRoot is the root of the object store holding the database at
// dir, as far as it can be known: the bucket of an object-store URL; for a
// local folder, dir less as many elements as the other database's path has
// (databases of one store usually sit at the same depth, like prod/parent
// and prod/clone). "" when dir is unknown or too short.
func slateDBStoreRoot(dir, otherDB string) string {
	if dir == "" || !paths.IsAbsolute(dir) {
		return ""
	}
	scheme, authority, _ := paths.Split(dir)
	if paths.IsObjectStore(scheme) {
		return scheme + "://" + authority
	}
	n := len(strings.Split(strings.Trim(otherDB, "/"), "/"))
	root := strings.TrimRight(dir, "/")
	for ; n > 0; n-- {
		root = paths.Parent(root)
		if root == "" {
			return ""
		}
	}
	return root
}
