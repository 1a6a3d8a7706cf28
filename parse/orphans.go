package parse

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
)

// OrphanPlan is what a storage listing holds that none of the given
// snapshots references, split into what is safe to delete and what cannot be
// decided from the snapshots given.
type OrphanPlan struct {
	Listing ListingSummary `json:"listing"`
	// Deletable are the largest folders nothing in which is referenced,
	// then single files, each with why.
	Deletable      []OrphanItem `json:"deletable"`
	DeletableFiles int          `json:"deletableFiles"`
	DeletableBytes int64        `json:"deletableBytes"`
	// Unsure are unreferenced files that must not be deleted on this
	// evidence alone (in-progress or newer checkpoints, unplaceable paths).
	Unsure      []OrphanItem `json:"unsure"`
	UnsureFiles int          `json:"unsureFiles"`
	UnsureBytes int64        `json:"unsureBytes"`
	// ReferencedFiles/Bytes are listed files a given snapshot needs.
	ReferencedFiles int   `json:"referencedFiles"`
	ReferencedBytes int64 `json:"referencedBytes"`
	// Missing are referenced files inside the listed folder that the
	// listing does not hold: the snapshot is broken, or the listing partial.
	Missing []MissingFile `json:"missing"`
	// Unknowns says, in words, what the plan cannot know.
	Unknowns []string `json:"unknowns"`
}

// ListingSummary describes the listing the plan was made from.
type ListingSummary struct {
	Format  listing.Format `json:"format"`
	Root    string         `json:"root"`             // the folder holding every listed path
	Prefix  string         `json:"prefix,omitempty"` // what relative entries were resolved against
	Entries int            `json:"entries"`
	Files   int            `json:"files"`
	Bytes   int64          `json:"bytes"`
}

// OrphanItem is a folder or file of the plan.
type OrphanItem struct {
	Path   string `json:"path"` // as listed
	Dir    bool   `json:"dir,omitempty"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	Reason string `json:"reason"`
}

// Location is the item's path as listed, a folder's ending in "/".
func (it OrphanItem) Location() string {
	if it.Dir && !strings.HasSuffix(it.Path, "/") {
		return it.Path + "/"
	}
	return it.Path
}

// DeletableList is every deletable folder and file of the plan, one
// Location a line: what a person who has reviewed the plan hands to their
// storage's delete command (a folder is meant whole).
func (p *OrphanPlan) DeletableList() string {
	var b strings.Builder
	for _, it := range p.Deletable {
		b.WriteString(it.Location())
		b.WriteByte('\n')
	}
	return b.String()
}

// MissingFile is a referenced file the listing lacks.
type MissingFile struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Snapshots []int  `json:"snapshots"`
}

type listedEntry struct {
	path  string // as listed (resolved against the prefix when relative)
	key   string // "" when a relative entry could not be resolved
	bytes int64
	dir   bool
}

// listedFiles is a listing resolved into the snapshots' namespace.
type listedFiles struct {
	format  listing.Format
	prefix  string
	entries []listedEntry
	byKey   map[string]int
}

func newListedFiles(l *listing.Listing, prefix string, snaps []*SnapshotReport) *listedFiles {
	lf := &listedFiles{format: l.Format, prefix: prefix, byKey: make(map[string]int, len(l.Entries))}
	if prefix == "" {
		lf.prefix = inferPrefix(l, snaps)
	}
	for _, e := range l.Entries {
		p := e.Path
		key := ""
		if e.Relative {
			if lf.prefix != "" {
				p = joinPath(lf.prefix, strings.TrimPrefix(path.Clean(e.Path), "/"))
				key = pathKey(p)
			}
		} else {
			key = pathKey(p)
		}
		if key == "." {
			key = pathKey(lf.prefix)
		}
		dir := e.Dir || (!e.Dir && isFlinkFolderName(baseName(p)) && lf.format == listing.FormatFind)
		le := listedEntry{path: strings.TrimRight(p, "/"), key: key, bytes: e.Bytes, dir: dir}
		if dir {
			le.bytes = 0
		}
		if key != "" {
			if i, dup := lf.byKey[key]; dup {
				lf.entries[i] = le
				continue
			}
			lf.byKey[key] = len(lf.entries)
		}
		lf.entries = append(lf.entries, le)
	}
	return lf
}

// isFlinkFolderName tells folders that find prints like empty files.
func isFlinkFolderName(name string) bool {
	return isChkDir(name) || name == sharedDir || name == taskOwnedDir
}

// inferPrefix finds what relative listing entries are relative to: the part
// of a referenced path in front of a listed relative path.
func inferPrefix(l *listing.Listing, snaps []*SnapshotReport) string {
	rel := map[string]bool{}
	for _, e := range l.Entries {
		if e.Relative && !e.Dir {
			rel[strings.TrimPrefix(path.Clean(e.Path), "/")] = true
		}
	}
	if len(rel) == 0 {
		return ""
	}
	for _, s := range snaps {
		for _, ref := range s.FileRefs {
			if ref.key == "" {
				continue
			}
			p := ref.Path
			for i := len(p) - 1; i > 0; i-- {
				if p[i] == '/' && rel[p[i+1:]] {
					return p[:i+1]
				}
			}
		}
	}
	return ""
}

// addPhysicalSizes fills the listed sizes of a snapshot's dependencies.
func (lf *listedFiles) addPhysicalSizes(s *SnapshotReport) {
	for _, ref := range s.FileRefs {
		if i, ok := lf.byKey[ref.key]; ok && ref.key != "" && !lf.entries[i].dir {
			d := &s.Dependencies[ref.Dependency]
			d.ListedFiles++
			d.PhysicalBytes += lf.entries[i].bytes
		}
	}
}

// chkVerdict is what the plan decides for one listed chk-N folder.
type chkVerdict struct {
	deletable bool
	reason    string
}

type jobState struct {
	given      bool
	maxGiven   int64
	inProgress []string // chk-N folders without _metadata, newer than the given ones
	newer      []string // completed chk-N folders newer than the given ones, not given
}

func planOrphans(snaps []*SnapshotReport, lf *listedFiles, now time.Time) *OrphanPlan {
	plan := &OrphanPlan{
		Listing:   ListingSummary{Format: lf.format, Prefix: lf.prefix, Entries: len(lf.entries)},
		Deletable: []OrphanItem{}, Unsure: []OrphanItem{}, Missing: []MissingFile{}, Unknowns: []string{},
	}
	slate := slateDBRoots(snaps)
	// What the snapshots reference, including their own snapshot files.
	referenced := map[string][]int{}
	refBytes := map[string]int64{}
	refPath := map[string]string{}
	looseNames := map[string]string{} // relative files whose folder is unknown → snapshot label
	givenChk := map[string]bool{}
	jobs := map[string]*jobState{}
	for si, s := range snaps {
		add := func(key, p string, bytes int64) {
			if key == "" {
				return
			}
			if l := referenced[key]; len(l) == 0 || l[len(l)-1] != si {
				referenced[key] = append(l, si)
			}
			refBytes[key] = bytes
			refPath[key] = p
		}
		// A Flink snapshot is placed only when the listing holds its
		// _metadata where its location says. Otherwise (read from a copy,
		// a download, a bare file name) its relative files could be
		// anywhere: listed files of the same names are kept as unsure.
		placed := s.Format != model.FormatFlink
		if s.Format == model.FormatFlink && isAbsolutePath(s.Location.Dir) {
			_, placed = lf.byKey[pathKey(joinPath(s.Location.Dir, metadataName))]
		}
		for fi, ref := range s.FileRefs {
			f := s.Files[fi]
			if ref.key == "" || !placed && (f.Relative || !isAbsolutePath(f.Path)) {
				looseNames[strings.TrimPrefix(path.Clean(f.Path), "/")] = label(s)
				if ref.key == "" {
					continue
				}
			}
			if staleReference(s, f, slate) {
				continue
			}
			add(ref.key, ref.Path, f.Bytes)
		}
		if !placed {
			// Its own _metadata cannot be placed either: keep every
			// _metadata that could be it.
			meta := metadataName
			if k := s.Location.Kind; k == model.KindCheckpoint || k == model.KindSavepoint {
				meta = baseName(s.Location.Dir) + "/" + metadataName
			}
			looseNames[meta] = label(s)
		}
		if s.Location.Dir != "" && isAbsolutePath(s.Location.Dir) && s.Format == model.FormatFlink && s.Location.Kind != "folder" {
			add(pathKey(joinPath(s.Location.Dir, metadataName)), joinPath(s.Location.Dir, metadataName), -1)
		}
		if isAbsolutePath(s.Source) {
			add(pathKey(s.Source), s.Source, -1)
		}
		if s.Location.Kind == model.KindCheckpoint && isAbsolutePath(s.Location.Dir) {
			givenChk[pathKey(s.Location.Dir)] = true
			jk := pathKey(s.Location.JobDir)
			j := jobs[jk]
			if j == nil {
				j = &jobState{maxGiven: -1}
				jobs[jk] = j
			}
			j.given = true
			j.maxGiven = max(j.maxGiven, checkpointNumber(baseName(s.Location.Dir)))
		}
	}

	// The listed folder: the common folder of every placed entry.
	root := ""
	first := true
	for _, e := range lf.entries {
		if e.key == "" {
			continue
		}
		k := e.key
		if !e.dir {
			k = path.Dir(k)
		}
		if first {
			root, first = k, false
			continue
		}
		for !underKey(k, root) && root != "/" && root != "." {
			root = path.Dir(root)
		}
	}
	rootShown := ""
	for _, e := range lf.entries {
		if e.key != "" && underKey(e.key, root) {
			rootShown = writtenPrefix(e.path, root)
			break
		}
	}
	plan.Listing.Root = rootShown

	for _, rk := range sortedKeys(slate) {
		slate[rk].makePlan(rk, lf, now)
	}
	otherSlate := otherSlateDBRoots(lf, slate)

	// Every listed chk-N folder, with or without its _metadata.
	chkDirs := map[string]string{} // key → shown path
	hasMetadata := map[string]bool{}
	for _, e := range lf.entries {
		if e.key == "" {
			continue
		}
		if e.dir && isChkDir(baseName(e.key)) {
			chkDirs[e.key] = e.path
		}
		if !e.dir {
			if pl, ok := placeInFlinkLayout(e.key); ok && strings.HasPrefix(pl.Area, "chk-") {
				d := path.Dir(e.key)
				chkDirs[d] = parentDir(e.path)
				if baseName(e.key) == metadataName {
					hasMetadata[d] = true
				}
			}
		}
	}
	verdicts := map[string]chkVerdict{}
	otherInProgress := map[string]string{} // job folders of jobs not given → a chk-N in progress
	for _, d := range sortedKeys(chkDirs) {
		if givenChk[d] {
			continue
		}
		name := baseName(d)
		n := checkpointNumber(name)
		j := jobs[path.Dir(d)]
		switch {
		case j == nil && hasMetadata[d]:
			verdicts[d] = chkVerdict{true, "checkpoint " + name + " of another job (none of the given snapshots belongs to it); no given snapshot references it"}
		case j == nil:
			otherInProgress[path.Dir(d)] = name
			verdicts[d] = chkVerdict{false, name + " has no _metadata and belongs to a job none of the given snapshots belongs to: it may be in progress"}
		case n > j.maxGiven && hasMetadata[d]:
			j.newer = append(j.newer, chkDirs[d])
			verdicts[d] = chkVerdict{false, "completed checkpoint " + name + " is newer than every given checkpoint of its job and was not given"}
		case n > j.maxGiven:
			j.inProgress = append(j.inProgress, chkDirs[d])
			verdicts[d] = chkVerdict{false, name + " has no _metadata and is newer than every given checkpoint: a checkpoint in progress"}
		case hasMetadata[d]:
			verdicts[d] = chkVerdict{true, fmt.Sprintf("completed checkpoint %s was not given and is older than chk-%d: deleting it deletes that checkpoint", name, j.maxGiven)}
		default:
			verdicts[d] = chkVerdict{true, fmt.Sprintf("%s has no _metadata and is older than chk-%d: left over from a checkpoint that never completed", name, j.maxGiven)}
		}
	}

	// Judge every listed file.
	type judged struct {
		deletable bool
		reason    string
	}
	verdictOf := func(e listedEntry) (isReferenced bool, j judged) {
		if _, ok := referencedKey(referenced, e.key); ok {
			return true, j
		}
		if e.key == "" {
			return false, judged{false, "relative listing entry that could not be placed: give the prefix the listing is relative to (--prefix), or the snapshot's location"}
		}
		if name, ok := looseMatch(looseNames, e.key); ok {
			return false, judged{false, "may be a file of " + name + ", whose folder is unknown: give its location (the page's base location, or --base)"}
		}
		for rk, st := range slate {
			if underKey(e.key, rk) {
				ok, why := st.judge(e.key)
				return false, judged{ok, why}
			}
		}
		for rk := range otherSlate {
			if underKey(e.key, rk) {
				return false, judged{false, "another SlateDB database, none of whose manifests was given"}
			}
		}
		pl, inLayout := placeInFlinkLayout(e.key)
		if inLayout && strings.HasPrefix(pl.Area, "chk-") {
			d := path.Dir(e.key)
			if givenChk[d] {
				return false, judged{true, "in a given checkpoint's folder, but its _metadata does not reference it"}
			}
			v := verdicts[d]
			return false, judged{v.deletable, v.reason}
		}
		if inLayout {
			if js := jobs[pl.JobDir]; js != nil {
				switch {
				case len(js.inProgress) > 0:
					return false, judged{false, "the job has a checkpoint in progress (" + baseName(js.inProgress[0]) + ") that may have written it"}
				case len(js.newer) > 0:
					return false, judged{false, "the job has a newer checkpoint that was not given (" + baseName(js.newer[0]) + ") that may reference it"}
				}
				return false, judged{true, "in the job's " + pl.Area + "/ folder, referenced by no given checkpoint"}
			}
			if name, ok := otherInProgress[pl.JobDir]; ok {
				return false, judged{false, "its job, which none of the given snapshots belongs to, may be running: " + name + " has no _metadata"}
			}
			return false, judged{true, "in the " + pl.Area + "/ folder of a job none of the given snapshots belongs to, and none references it"}
		}
		return false, judged{true, "referenced by no given snapshot"}
	}

	// Folders that must stay even when empty: the folders Flink creates once
	// per job (job folder, shared/, taskowned/) of the given jobs, and the
	// listed root.
	keepDir := map[string]bool{root: true}
	for jk, js := range jobs {
		if js.given {
			keepDir[jk], keepDir[jk+"/"+sharedDir], keepDir[jk+"/"+taskOwnedDir] = true, true, true
			for k := jk; k != root && underKey(k, root); k = path.Dir(k) {
				keepDir[k] = true
			}
		}
	}
	for d := range givenChk {
		keepDir[d] = true
	}

	type dirStat struct {
		shown         string
		files         int
		bytes         int64
		blocked       bool // holds something referenced or unsure
		reasons       map[string]bool
		firstReason   string
		chkFolderName bool
	}
	dirs := map[string]*dirStat{}
	dirOf := func(k, shown string) *dirStat {
		d := dirs[k]
		if d == nil {
			d = &dirStat{shown: shown, reasons: map[string]bool{}}
			dirs[k] = d
		}
		return d
	}
	unsureChk := map[string]*OrphanItem{}
	holdsFiles := map[string]bool{} // folders with a listed file directly inside
	var fileItems []OrphanItem
	var fileKeys []string
	for _, e := range lf.entries {
		if e.dir {
			if e.key != "" && underKey(e.key, root) && e.key != root {
				dirOf(e.key, e.path)
				if v, ok := verdicts[e.key]; ok && !v.deletable {
					dirs[e.key].blocked = true
				}
			}
			continue
		}
		plan.Listing.Files++
		plan.Listing.Bytes += e.bytes
		holdsFiles[path.Dir(e.key)] = true
		isRef, j := verdictOf(e)
		switch {
		case isRef:
			plan.ReferencedFiles++
			plan.ReferencedBytes += e.bytes
		case j.deletable:
			plan.DeletableFiles++
			plan.DeletableBytes += e.bytes
			fileItems = append(fileItems, OrphanItem{Path: e.path, Files: 1, Bytes: e.bytes, Reason: j.reason})
			fileKeys = append(fileKeys, e.key)
		default:
			plan.UnsureFiles++
			plan.UnsureBytes += e.bytes
			// A checkpoint folder kept whole (in progress, newer) is one item.
			if d := path.Dir(e.key); e.key != "" && chkDirs[d] != "" {
				if v, ok := verdicts[d]; ok && !v.deletable {
					it := unsureChk[d]
					if it == nil {
						it = &OrphanItem{Path: chkDirs[d], Dir: true, Reason: v.reason}
						unsureChk[d] = it
					}
					it.Files++
					it.Bytes += e.bytes
					break
				}
			}
			plan.Unsure = append(plan.Unsure, OrphanItem{Path: e.path, Files: 1, Bytes: e.bytes, Reason: j.reason})
		}
		if e.key == "" {
			continue
		}
		// Account the file in each of its folders below the root.
		shown := e.path
		for k := path.Dir(e.key); k != root && underKey(k, root) && k != "/" && k != "."; k = path.Dir(k) {
			shown = parentDir(shown)
			d := dirOf(k, shown)
			if isRef || !j.deletable {
				d.blocked = true
				continue
			}
			d.files++
			d.bytes += e.bytes
			if !d.reasons[j.reason] {
				d.reasons[j.reason] = true
				if d.firstReason == "" {
					d.firstReason = j.reason
				}
			}
		}
	}
	// A folder holding a referenced file stays, even when the listing
	// lacks the file (it is then reported missing). The walk starts at the
	// referenced path itself: an object store can list "a/b" as an object
	// and as the folder of "a/b/c" at once.
	for k := range referenced {
		for d := k; underKey(d, root) && d != root && d != "/" && d != "."; d = path.Dir(d) {
			if ds := dirs[d]; ds != nil {
				ds.blocked = true
			}
		}
	}
	// Empty chk-N folders (listed, holding nothing) follow their verdict.
	for k, d := range dirs {
		if v, ok := verdicts[k]; ok && !v.deletable {
			d.blocked = true
		}
	}

	wholly := func(k string) bool {
		d := dirs[k]
		return d != nil && !d.blocked && !keepDir[k]
	}
	// Job folders (holding chk-N, shared/, taskowned/) of jobs not given.
	otherJobs := map[string]bool{}
	for _, e := range lf.entries {
		if pl, ok := placeInFlinkLayout(e.key); ok && e.key != "" && jobs[pl.JobDir] == nil {
			otherJobs[pl.JobDir] = true
		}
	}
	// The largest wholly deletable folders.
	var folderKeys []string
	for k := range dirs {
		if wholly(k) && !wholly(path.Dir(k)) {
			folderKeys = append(folderKeys, k)
		}
	}
	sort.Strings(folderKeys)
	for _, k := range folderKeys {
		d := dirs[k]
		reason := folderReason(k, d.reasons, d.firstReason, verdicts)
		if otherJobs[k] {
			reason = "another job's checkpoint folder: none of the given snapshots references anything in it"
		}
		plan.Deletable = append(plan.Deletable, OrphanItem{Path: d.shown, Dir: true, Files: d.files, Bytes: d.bytes, Reason: reason})
	}
	// Then the deletable files outside those folders.
	for i, it := range fileItems {
		inFolder := false
		for k := path.Dir(fileKeys[i]); k != root && underKey(k, root) && k != "/" && k != "."; k = path.Dir(k) {
			if wholly(k) {
				inFolder = true
				break
			}
		}
		if !inFolder {
			plan.Deletable = append(plan.Deletable, it)
		}
	}
	sort.SliceStable(plan.Deletable[len(folderKeys):], func(a, b int) bool {
		return plan.Deletable[len(folderKeys)+a].Path < plan.Deletable[len(folderKeys)+b].Path
	})
	// Kept checkpoint folders, including empty ones (a chk-N in progress
	// with nothing written yet), then single files.
	var kept []OrphanItem
	for _, k := range sortedKeys(chkDirs) {
		if it := unsureChk[k]; it != nil {
			kept = append(kept, *it)
		} else if v, ok := verdicts[k]; ok && !v.deletable && dirs[k] != nil && !holdsFiles[k] {
			kept = append(kept, OrphanItem{Path: chkDirs[k], Dir: true, Reason: v.reason})
		}
	}
	sort.SliceStable(plan.Unsure, func(a, b int) bool { return plan.Unsure[a].Path < plan.Unsure[b].Path })
	plan.Unsure = append(kept, plan.Unsure...)

	// Referenced files the listing should hold but does not.
	for _, k := range sortedKeys(refPath) {
		if _, listed := lf.byKey[k]; !listed && underKey(k, root) && root != "/" {
			plan.Missing = append(plan.Missing, MissingFile{Path: refPath[k], Bytes: refBytes[k], Snapshots: referenced[k]})
		}
	}
	// A snapshot decoded only in part names only part of its files: then
	// nothing is safe to delete.
	for _, s := range snaps {
		if s.Error != nil {
			for _, it := range plan.Deletable {
				it.Reason = "kept because " + label(s) + " could not be decoded completely (" + it.Reason + ")"
				plan.Unsure = append(plan.Unsure, it)
			}
			plan.UnsureFiles += plan.DeletableFiles
			plan.UnsureBytes += plan.DeletableBytes
			plan.Deletable, plan.DeletableFiles, plan.DeletableBytes = []OrphanItem{}, 0, 0
			plan.Unknowns = append(plan.Unknowns, label(s)+" could not be decoded completely, so the files it references are not all known: nothing is planned for deletion.")
			break
		}
	}
	plan.Unknowns = append(plan.Unknowns, unknowns(snaps, jobs, verdicts, chkDirs, looseNames, plan)...)
	for _, rk := range sortedKeys(slate) {
		plan.Unknowns = append(plan.Unknowns, slate[rk].unknowns(writtenPrefixOf(lf, rk))...)
	}
	return plan
}

// looseMatch finds a relative path (of a snapshot whose folder is unknown)
// that the listed key ends with.
func looseMatch(loose map[string]string, key string) (string, bool) {
	if len(loose) == 0 {
		return "", false
	}
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			if name, ok := loose[key[i+1:]]; ok {
				return name, true
			}
		}
	}
	return "", false
}

// writtenPrefixOf shows folder key k in the listing's spelling.
func writtenPrefixOf(lf *listedFiles, k string) string {
	for _, e := range lf.entries {
		if e.key != "" && underKey(e.key, k) {
			return writtenPrefix(e.path, k)
		}
	}
	return k
}

func referencedKey(m map[string][]int, k string) ([]int, bool) {
	if k == "" {
		return nil, false
	}
	v, ok := m[k]
	return v, ok
}

// folderReason says why a whole folder can go.
func folderReason(k string, reasons map[string]bool, first string, verdicts map[string]chkVerdict) string {
	if v, ok := verdicts[k]; ok {
		return v.reason
	}
	if len(reasons) == 1 {
		return first
	}
	if len(reasons) == 0 {
		return "empty folder"
	}
	return "nothing in it is referenced by a given snapshot"
}

func unknowns(snaps []*SnapshotReport, jobs map[string]*jobState, verdicts map[string]chkVerdict, chkDirs map[string]string, looseNames map[string]string, plan *OrphanPlan) []string {
	var out []string
	var notGiven []string
	for _, k := range sortedKeys(chkDirs) {
		if v, ok := verdicts[k]; ok && v.deletable && strings.HasPrefix(v.reason, "completed") || ok && strings.HasPrefix(v.reason, "checkpoint ") {
			notGiven = append(notGiven, chkDirs[k])
		}
	}
	if len(notGiven) > 0 {
		out = append(out, fmt.Sprintf("%d completed checkpoint(s) in the listing were not given (%s); what no given snapshot references in them is planned for deletion. Give the _metadata of every checkpoint or savepoint you want to keep.", len(notGiven), strings.Join(shorten(notGiven, 3), ", ")))
	}
	for _, jk := range sortedKeys(jobs) {
		j := jobs[jk]
		if len(j.inProgress) > 0 {
			out = append(out, fmt.Sprintf("%s has no _metadata and is newer than the given checkpoints: a checkpoint in progress. It, and the job's unreferenced shared and task-owned files, are kept as unsure.", strings.Join(shorten(j.inProgress, 3), ", ")))
		}
		if len(j.newer) > 0 {
			out = append(out, fmt.Sprintf("%s completed after the given checkpoints and was not given: give its _metadata to decide; until then the job's unreferenced shared files are kept as unsure.", strings.Join(shorten(j.newer, 3), ", ")))
		}
	}
	if len(looseNames) > 0 {
		out = append(out, "Some snapshots have relative files but no known location: files with their names are kept as unsure. Give each snapshot's folder to place them (the page's base location, or --base).")
	}
	if plan.Listing.Prefix == "" && plan.UnsureFiles > 0 {
		for _, u := range plan.Unsure {
			if strings.HasPrefix(u.Reason, "relative listing entry") {
				out = append(out, "The listing prints paths without their bucket or root and none could be matched to the snapshots: give the prefix they are relative to (--prefix s3://bucket/), or place the snapshots with their full location (the page's base location, or --base), from which the prefix is found.")
				break
			}
		}
	}
	shared := false
	for _, it := range plan.Deletable {
		if strings.Contains(it.Reason, "job's shared/") || strings.Contains(it.Reason, "job's taskowned/") {
			shared = true
		}
	}
	if shared {
		out = append(out, "If the job is running, a checkpoint in progress may already have written shared, task-owned or file-merging files that no _metadata names yet: stop the job, or keep files newer than the newest given checkpoint.")
	}
	if len(plan.Missing) > 0 {
		out = append(out, fmt.Sprintf("%d referenced file(s) are not in the listing: either the listing is partial or those snapshots cannot be restored.", len(plan.Missing)))
	}
	for _, s := range snaps {
		if s.Format == model.FormatFlink {
			out = append(out, "Other jobs restored from these checkpoints (NO_CLAIM or LEGACY mode) may still read their files; only the snapshots given were considered.")
			break
		}
	}
	return out
}

func shorten(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string{}, s[:n]...), fmt.Sprintf("and %d more", len(s)-n))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
