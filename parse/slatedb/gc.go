package slatedb

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// DefaultMinAge is SlateDB's default min_age for every GC resource.
const DefaultMinAge = 5 * time.Minute

// GCOptions are the inputs SlateDB's garbage collector uses besides the
// manifests and the listing.
type GCOptions struct {
	// Now is when GC runs: checkpoint expiry and min_age are judged at it.
	// A plan's deletions happen after it is made, so the planner's clock
	// serves; objects listed with a time within min_age of it are kept.
	Now    time.Time
	MinAge time.Duration // per-resource min_age (DefaultMinAge is SlateDB's)
	// Compactions is the newest compactions file's content, nil when it was
	// not given. A listed compactions file newer than it, or not given at
	// all, keeps every unreferenced compacted SST.
	Compactions *Compactions
	// Stopped says the writer and the compactor are stopped: a manifest,
	// WAL or compactions object whose modification time the listing does
	// not carry then counts as older than min_age. Without it such objects
	// are kept, as a running writer may have just written them.
	Stopped bool
}

// GCDecision is what GC does with one listed object.
type GCDecision struct {
	Path   string         `json:"path"`
	Kind   model.FileKind `json:"kind"`
	Bytes  int64          `json:"bytes"`
	Delete bool           `json:"delete"`
	Reason string         `json:"reason"`
}

// GCPlan predicts one run of SlateDB's garbage collector with its default
// resources: manifests, WAL (not fences), compacted SSTs and compactions
// files. Detaching a clone from parents it no longer reads is not modelled;
// ParentDependency.Detachable says when it would happen.
type GCPlan struct {
	LatestID uint64 `json:"latestId"`
	Now      string `json:"now"` // the time the plan was judged at, RFC 3339
	// Expired checkpoints pin nothing. SlateDB's GC rewrites the latest
	// manifest without them; a plan cannot, so the latest manifest is kept.
	Expired     []Checkpoint `json:"expired"`
	Cutoff      time.Time    `json:"cutoff"` // compacted SSTs created before it may go
	Decisions   []GCDecision `json:"decisions"`
	DeleteBytes int64        `json:"deleteBytes"`
	KeepBytes   int64        `json:"keepBytes"`
	Notes       []string     `json:"notes,omitempty"`
}

// gcRun holds what one PlanGC call worked out before judging objects.
type gcRun struct {
	opt    GCOptions
	now    time.Time
	latest *Manifest
	plan   *GCPlan
	live   map[uint64]*Manifest // the latest and the given manifests live checkpoints pin
	pinned map[uint64][]string  // manifest id → names of the live checkpoints pinning it
	active map[ULID]bool        // SSTs the live manifests reference
	// compacting are the outputs of compactions not yet Completed or Failed.
	compacting map[ULID]Compaction
	// holdCompacted, when set, keeps every unreferenced compacted SST.
	holdCompacted string
	// walFloor: a WAL id above it may be replayed by a pinned manifest that
	// was not given (math.MaxUint64 when every pinned manifest was given).
	walFloor          uint64
	newestCompactions uint64
	compactionsListed bool
}

// PlanGC predicts what SlateDB's GC deletes from objects (this database's
// listing, paths relative to its root) given the manifests, following
// SlateDB 0.18's rules, and keeps whatever it cannot prove deletable.
func (d *Database) PlanGC(objects []Object, opt GCOptions) (*GCPlan, error) {
	latest := d.Latest()
	if latest == nil {
		return nil, fmt.Errorf("no manifest given")
	}
	if opt.Now.IsZero() {
		return nil, fmt.Errorf("the time GC runs at is needed to judge checkpoint expiry and min_age")
	}
	r := &gcRun{opt: opt, now: opt.Now, latest: latest, plan: &GCPlan{LatestID: latest.ID}, walFloor: math.MaxUint64}
	if err := r.readListing(objects); err != nil {
		return nil, err
	}
	r.plan.Now = r.now.UTC().Format(time.RFC3339)
	r.liveManifests(d)
	r.compactedCutoff()
	for _, o := range objects {
		dec := r.judge(o)
		if dec.Delete {
			r.plan.DeleteBytes += o.Bytes
		} else {
			r.plan.KeepBytes += o.Bytes
		}
		r.plan.Decisions = append(r.plan.Decisions, dec)
	}
	return r.plan, nil
}

// readListing finds the newest manifest and compactions file listed.
func (r *gcRun) readListing(objects []Object) error {
	var newestManifest uint64
	for _, o := range objects {
		if id, ok := manifestObjectID(o.Path); ok && id > newestManifest {
			newestManifest = id
		}
		if dir, name := path.Split(o.Path); dir == "compactions/" {
			if id, ok := ParseCompactionsName(name); ok {
				r.compactionsListed = true
				r.newestCompactions = max(r.newestCompactions, id)
			}
		}
	}
	if newestManifest > r.latest.ID {
		return fmt.Errorf("the listing holds manifest %d, newer than the newest given (%d): give every manifest", newestManifest, r.latest.ID)
	}
	return nil
}

// liveManifests applies checkpoint expiry and collects what the live
// checkpoints pin, including manifests that were not given.
func (r *gcRun) liveManifests(d *Database) {
	r.live = map[uint64]*Manifest{r.latest.ID: r.latest}
	r.pinned = map[uint64][]string{}
	var missing []uint64
	for _, c := range r.latest.Checkpoints {
		if c.Expired(r.now) {
			r.plan.Expired = append(r.plan.Expired, c)
			continue
		}
		if _, seen := r.pinned[c.ManifestID]; !seen && c.ManifestID != r.latest.ID {
			if m := d.Manifest(c.ManifestID); m != nil {
				r.live[c.ManifestID] = m
			} else {
				missing = append(missing, c.ManifestID)
				r.walFloor = min(r.walFloor, replayFloor(d, c.ManifestID))
			}
		}
		r.pinned[c.ManifestID] = append(r.pinned[c.ManifestID], checkpointLabel(c))
	}
	r.active = map[ULID]bool{}
	for _, m := range r.live {
		for _, id := range m.ReferencedSSTs() {
			r.active[id] = true
		}
	}
	if len(missing) > 0 {
		r.holdCompacted = fmt.Sprintf("manifests %v, which live checkpoints pin, were not given: the SSTs they read are unknown", missing)
		r.plan.Notes = append(r.plan.Notes, r.holdCompacted+"; no compacted SST is planned, and WAL they may replay is kept")
	}
}

// replayFloor bounds from below the replay_after_wal_id of manifest id,
// which was not given: a manifest never moves it back, so the largest of
// the given manifests up to id is a floor (0 without one).
func replayFloor(d *Database, id uint64) uint64 {
	var floor uint64
	for _, m := range d.Manifests {
		if m.ID <= id {
			floor = max(floor, m.ReplayAfterWALID)
		}
	}
	return floor
}

// compactedCutoff works out SlateDB's cutoff for compacted SSTs and whether
// the compactor's state lets any be judged at all.
func (r *gcRun) compactedCutoff() {
	cutoff := r.now.Add(-r.opt.MinAge)
	if l0 := newestL0(r.latest); l0.Before(cutoff) {
		cutoff = l0
	}
	cs := r.opt.Compactions
	switch {
	case !r.compactionsListed:
		r.hold("the listing holds no compactions file: SlateDB's GC then deletes no compacted SST")
	case cs == nil:
		r.hold(fmt.Sprintf("the compactions file %s was not given: the compactor's state is unknown", CompactionsPath(r.newestCompactions)))
	case cs.ID < r.newestCompactions:
		r.hold(fmt.Sprintf("the compactions file given (%d) is older than the newest listed (%d)", cs.ID, r.newestCompactions))
	case len(cs.Compactions) == 0:
		r.hold("the compactions file holds no compaction: SlateDB's GC then deletes no compacted SST")
	default:
		if low := cs.LowWatermark(); low.Before(cutoff) {
			cutoff = low
		}
		r.compacting = cs.ActiveOutputs()
	}
	r.plan.Cutoff = cutoff.UTC()
}

func (r *gcRun) hold(reason string) {
	if r.holdCompacted == "" {
		r.holdCompacted = reason
		r.plan.Notes = append(r.plan.Notes, reason)
	}
}

// newestL0 is the creation time of the newest L0 SST of any tree, or of the
// last L0 compacted when a tree's L0 is empty; the epoch without either.
func newestL0(m *Manifest) time.Time {
	newest := time.Unix(0, 0).UTC()
	for _, t := range m.Trees {
		var tt time.Time
		if len(t.L0) > 0 {
			for _, v := range t.L0 {
				if vt := v.SST.Time(); vt.After(tt) {
					tt = vt
				}
			}
		} else if t.LastCompactedL0 != nil {
			tt = t.LastCompactedL0.Time()
		}
		if tt.After(newest) {
			newest = tt
		}
	}
	return newest
}

// old reports whether a listed object is older than min_age, and otherwise
// why it is kept.
func (r *gcRun) old(o Object) (bool, string) {
	switch {
	case o.Modified.IsZero() && !r.opt.Stopped:
		return false, "the listing gives no modification time and the writer may be running (a listing with times, or --stopped once it is stopped, lets it be judged)"
	case o.Modified.IsZero():
		return true, ""
	case r.now.Sub(o.Modified) > r.opt.MinAge:
		return true, ""
	}
	return false, fmt.Sprintf("younger than min_age (%s)", r.opt.MinAge)
}

// judge decides one listed object.
func (r *gcRun) judge(o Object) GCDecision {
	dec := GCDecision{Path: o.Path, Bytes: o.Bytes}
	dir, name := path.Split(o.Path)
	switch dir {
	case "manifest/":
		dec.Kind = model.KindManifest
		dec.Delete, dec.Reason = r.judgeManifest(o)
	case "wal/":
		dec.Kind = model.KindWAL
		dec.Delete, dec.Reason = r.judgeWAL(o, name)
	case "compacted/":
		dec.Kind = model.KindSST
		dec.Delete, dec.Reason = r.judgeCompacted(o, name)
	case "compactions/":
		dec.Kind = "compactions"
		id, ok := ParseCompactionsName(name)
		switch {
		case !ok:
			dec.Reason = "not a compactions file name; ignored"
		case id == r.newestCompactions:
			dec.Reason = "the compactor's current state"
		default:
			dec.Delete, dec.Reason = r.old(o)
			if dec.Delete {
				dec.Reason = "an old version of the compactor's state"
			}
		}
	default:
		dec.Kind = model.FileKind(strings.TrimSuffix(dir, "/"))
		dec.Reason = "not collected by SlateDB's GC"
	}
	return dec
}

func (r *gcRun) judgeManifest(o Object) (bool, string) {
	id, ok := manifestObjectID(o.Path)
	switch {
	case !ok:
		return false, "not a manifest name SlateDB recognises; ignored"
	case id == r.latest.ID:
		return false, "the latest manifest"
	case len(r.pinned[id]) > 0:
		return false, "pinned by checkpoint " + strings.Join(r.pinned[id], ", ")
	}
	if old, why := r.old(o); !old {
		return false, why
	}
	return true, "an old version no live checkpoint pins"
}

func (r *gcRun) judgeWAL(o Object, name string) (bool, string) {
	id, err := parseUintPrefix(name)
	switch {
	case err != nil:
		return false, "not a WAL SST name; ignored"
	case o.Bytes == 0:
		return false, "a writer fence (zero bytes); fence GC is off by default"
	case id >= r.latest.ReplayAfterWALID:
		return false, "not yet covered by L0 or sorted runs (≥ replay_after_wal_id of the latest manifest)"
	case walPinned(r.live, r.latest.ID, id) != 0:
		return false, fmt.Sprintf("replayed by pinned manifest %d", walPinned(r.live, r.latest.ID, id))
	case id > r.walFloor:
		return false, "possibly replayed by a pinned manifest that was not given"
	}
	if old, why := r.old(o); !old {
		return false, why
	}
	return true, "covered by sorted runs; no live manifest replays it"
}

func (r *gcRun) judgeCompacted(o Object, name string) (bool, string) {
	id, err := ParseULID(strings.TrimSuffix(name, ".sst"))
	switch {
	case err != nil || !strings.HasSuffix(name, ".sst"):
		return false, "not an SST name; ignored"
	case r.active[id] && latestRefs(r.latest, id):
		return false, "referenced by the latest manifest"
	case r.active[id]:
		return false, "pinned by checkpoint(s) " + r.pinnedBy(id)
	case r.holdCompacted != "":
		return false, "kept: " + r.holdCompacted
	}
	if c, ok := r.compacting[id]; ok {
		return false, fmt.Sprintf("written by compaction %s, still %s", c.ID, c.Status)
	}
	if !id.Time().Before(r.plan.Cutoff) {
		return false, "newer than the GC cutoff (" + r.plan.Cutoff.Format(time.RFC3339) + "): possibly an in-flight flush or compaction output"
	}
	if !o.Modified.IsZero() && r.now.Sub(o.Modified) <= r.opt.MinAge {
		return false, fmt.Sprintf("written within min_age (%s)", r.opt.MinAge)
	}
	return true, "referenced by no live manifest"
}

func manifestObjectID(p string) (uint64, bool) {
	if !strings.HasPrefix(p, "manifest/") {
		return 0, false
	}
	return ParseManifestName(p)
}

func parseUintPrefix(name string) (uint64, error) {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return strconv.ParseUint(name, 10, 64)
}

// walPinned returns the id of a non-latest live manifest whose replay range
// (replay_after_wal_id, wal_id_last_seen] holds WAL id, or 0.
func walPinned(live map[uint64]*Manifest, latestID, id uint64) uint64 {
	var best uint64
	for mid, m := range live {
		if mid != latestID && id > m.ReplayAfterWALID && id <= m.WALIDLastSeen && (best == 0 || mid < best) {
			best = mid
		}
	}
	return best
}

func latestRefs(latest *Manifest, id ULID) bool {
	for _, s := range latest.ReferencedSSTs() {
		if s == id {
			return true
		}
	}
	return false
}

func checkpointLabel(c Checkpoint) string {
	if c.Name != nil && *c.Name != "" {
		return fmt.Sprintf("%q", *c.Name)
	}
	return c.ID.String()
}

// pinnedBy names the live checkpoints whose manifests reference SST id.
func (r *gcRun) pinnedBy(id ULID) string {
	var ids []uint64
	for mid, m := range r.live {
		if mid == r.latest.ID {
			continue
		}
		for _, s := range m.ReferencedSSTs() {
			if s == id {
				ids = append(ids, mid)
				break
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var parts []string
	for _, mid := range ids {
		parts = append(parts, fmt.Sprintf("%s (manifest %d)", strings.Join(r.pinned[mid], ", "), mid))
	}
	return strings.Join(parts, "; ")
}
