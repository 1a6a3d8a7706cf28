package app

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The summary of a SlateDB manifest, in SlateDB's terms.

func (c *Summary) epochs() string {
	d := c.Snap.SlateDB
	out := fmt.Sprintf("writer %d, compactor %d", d.WriterEpoch, d.CompactorEpoch)
	if !d.Initialized {
		out += "; not initialized yet (a clone still being set up)"
	}
	return out
}

// walRange is the WAL SSTs a writer opening this manifest replays: those
// after the last one compacted, up to the last one seen.
func (c *Summary) walRange() string {
	d := c.Snap.SlateDB
	if d.WALIDLastSeen <= d.WALIDLastCompacted {
		return fmt.Sprintf("nothing to replay: compacted up to WAL SST %d, the last seen", d.WALIDLastCompacted)
	}
	return fmt.Sprintf("WAL SSTs %d–%d to replay (compacted up to %d, last seen %d)",
		d.WALIDLastCompacted+1, d.WALIDLastSeen, d.WALIDLastCompacted, d.WALIDLastSeen)
}

func (c *Summary) checkpoints() string {
	cps := c.Snap.SlateDB.Checkpoints
	expired := 0
	for _, cp := range cps {
		if checkpointExpired(cp.ExpireTime) {
			expired++
		}
	}
	out := Count(len(cps))
	if expired > 0 {
		out += fmt.Sprintf(" (%s expired: the garbage collector no longer keeps what only they pin)", Count(expired))
	}
	return out
}

func (c *Summary) tree() string {
	d := c.Snap.SlateDB
	n := 0
	for _, r := range d.SortedRuns {
		n += len(r.SSTs)
	}
	out := fmt.Sprintf("%s SSTs in L0, %s sorted runs holding %s SSTs", Count(len(d.L0)), Count(len(d.SortedRuns)), Count(n))
	if len(d.Segments) > 0 {
		out += fmt.Sprintf(", in %s segments", Count(len(d.Segments)))
	}
	return out
}

func (c *Summary) parents() string {
	dbs := c.Snap.SlateDB.ExternalDBs
	if len(dbs) == 0 {
		return "none: not a clone"
	}
	paths := make([]string, len(dbs))
	for i, db := range dbs {
		paths[i] = db.Path
	}
	return Count(len(dbs)) + ": " + strings.Join(paths, ", ")
}

// clock is the time checkpoints expire against; tests set it.
var clock = time.Now

// checkpointExpired reports whether a checkpoint's expiry (Unix seconds, 0
// for never) has passed.
func checkpointExpired(expire int64) bool { return expire != 0 && expire <= clock().Unix() }

// projectedRanges are the key ranges a projected clone's manifest narrows
// its SSTs to, each once, in order; none when every SST is read whole.
// Worked out once per snapshot: the SST table asks on every row.
func projectedRanges(s *SnapshotReport) []string {
	if s.SlateDB == nil {
		return nil
	}
	if rangesOf.snap == s {
		return rangesOf.ranges
	}
	var out []string
	for _, sst := range s.SlateDB.SSTs {
		for _, r := range sst.VisibleRanges {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	rangesOf.snap, rangesOf.ranges = s, out
	return out
}

// rangesOf caches projectedRanges for the snapshot shown.
var rangesOf struct {
	snap   *SnapshotReport
	ranges []string
}

// rangesRead is the summary's line for a clone's key ranges.
func rangesRead(s *SnapshotReport) string {
	r := projectedRanges(s)
	if len(r) == 0 {
		return "every key: not a projected clone"
	}
	return strings.Join(r, ", ") + " (a clone projected to these ranges)"
}

// sstRanges is the SST table's cell: the ranges read, or all of it.
func sstRanges(r []string) string {
	if len(r) == 0 {
		return "all"
	}
	return strings.Join(r, ", ")
}
