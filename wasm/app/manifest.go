package app

import (
	"time"

	"github.com/ckptlens/ckptlens/parse/units"
)

// expiry is when a checkpoint expires, marked once it has.
func expiry(sec int64) string {
	if checkpointExpired(sec) {
		return units.UnixTime(sec) + " (expired)"
	}
	return units.UnixTime(sec)
}

func expiryClass(sec int64) string {
	if checkpointExpired(sec) {
		return "expired"
	}
	return ""
}

// holder names the database an SST lives in: this one, or a parent's.
func (c *Manifest) holder(db string) string {
	if db == "" {
		return "this database"
	}
	return db
}

// sstSize is the exact size when a listing gave it, else the lower bound
// the SST's footer proves.
func sstSize(exact, atLeast int64) string {
	if exact >= 0 {
		return Bytes(exact)
	}
	return "at least " + Bytes(atLeast)
}

func unixMilli(ms int64) string {
	if ms == 0 {
		return "–"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}
