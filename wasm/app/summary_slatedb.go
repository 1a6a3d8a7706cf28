package app

import (
	"fmt"
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
