package slatedb

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ULID is a 128-bit SST or view id, big-endian. Its text form (26 characters
// of Crockford base32) is the SST's object name; its top 48 bits are the
// creation time in Unix milliseconds, which SlateDB's GC compares.
type ULID [16]byte

// UUID is a checkpoint id.
type UUID [16]byte

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func ulidFrom(high, low uint64) ULID {
	var u ULID
	binary.BigEndian.PutUint64(u[:8], high)
	binary.BigEndian.PutUint64(u[8:], low)
	return u
}

func uuidFrom(high, low uint64) UUID { return UUID(ulidFrom(high, low)) }

// String is the 26-character Crockford base32 form, as in compacted/<ULID>.sst.
func (u ULID) String() string {
	hi, lo := binary.BigEndian.Uint64(u[:8]), binary.BigEndian.Uint64(u[8:])
	var b [26]byte
	for i := 25; i >= 0; i-- {
		b[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(b[:])
}

// MarshalText makes ULIDs appear in their text form in JSON.
func (u ULID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// ParseULID reads the 26-character text form (case-insensitive).
func ParseULID(s string) (ULID, error) {
	var u ULID
	if len(s) != 26 {
		return u, fmt.Errorf("ULID %q: want 26 characters", s)
	}
	var hi, lo uint64
	for i := 0; i < 26; i++ {
		c := strings.IndexByte(crockford, upper(s[i]))
		if c < 0 || (i == 0 && c > 7) {
			return u, fmt.Errorf("ULID %q: bad character %q", s, s[i])
		}
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(c)
	}
	return ulidFrom(hi, lo), nil
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Millis is the creation time in Unix milliseconds.
func (u ULID) Millis() int64 {
	return int64(binary.BigEndian.Uint64(u[:8]) >> 16)
}

// Time is the creation time.
func (u ULID) Time() time.Time { return time.UnixMilli(u.Millis()).UTC() }

// String is the usual 8-4-4-4-12 hex form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// MarshalText makes UUIDs appear in their text form in JSON.
func (u UUID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText reads the text form MarshalText writes.
func (u *ULID) UnmarshalText(b []byte) error {
	v, err := ParseULID(string(b))
	*u = v
	return err
}

// UnmarshalText reads the text form MarshalText writes.
func (u *UUID) UnmarshalText(b []byte) error {
	h, err := hex.DecodeString(strings.ReplaceAll(string(b), "-", ""))
	if err != nil || len(h) != 16 {
		return fmt.Errorf("checkpoint id %q is not a UUID", b)
	}
	copy(u[:], h)
	return nil
}
