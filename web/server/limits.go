package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Anonymous writers must not be able to grow the Worker's storage, and its
// bill, without limit: each client may create a few shares a minute
// (Cloudflare's rate-limiting binding, RateLimiter), and all clients
// together at most SharesPerDay a day and StoredBytes still stored (Quota).

// RateLimiter is Cloudflare's rate-limiting binding: Allow reports whether
// the client key may create one more share now.
type RateLimiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// Quota bounds what every client together makes the Worker store.
type Quota struct {
	SharesPerDay int   // shares created per UTC day; 0 means DefaultSharesPerDay
	StoredBytes  int64 // bytes of shares not yet expired; 0 means DefaultStoredBytes
}

const (
	DefaultSharesPerDay = 500
	DefaultStoredBytes  = 512 << 20

	// usageID is the KV key of the usage record; it is no valid share id,
	// so GET never serves it.
	usageID = "_usage"
	day     = 24 * time.Hour
)

// ParseQuota reads the MAX_SHARES_PER_DAY and MAX_STORED_BYTES vars; empty
// keeps the default.
func ParseQuota(perDay, stored string) (Quota, error) {
	d, err := positiveVar("MAX_SHARES_PER_DAY", perDay, 1<<31-1)
	if err != nil {
		return Quota{}, err
	}
	b, err := positiveVar("MAX_STORED_BYTES", stored, 1<<62)
	return Quota{SharesPerDay: int(d), StoredBytes: b}, err
}

// positiveVar reads a var holding a whole number from 1 to most; empty is 0.
func positiveVar(name, s string, most int64) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > most {
		return 0, fmt.Errorf("%s=%q: want a whole number from 1 to %d", name, s, most)
	}
	return n, nil
}

func (q Quota) perDay() int {
	if q.SharesPerDay > 0 {
		return q.SharesPerDay
	}
	return DefaultSharesPerDay
}

func (q Quota) stored() int64 {
	if q.StoredBytes > 0 {
		return q.StoredBytes
	}
	return DefaultStoredBytes
}

// usage is what the Worker stored, by UTC day of creation, over the days a
// share can live.
type usage struct {
	Days []dayUsage `json:"days"`
}

type dayUsage struct {
	Day    string `json:"day"` // 2006-01-02, UTC
	Shares int    `json:"shares"`
	Bytes  int64  `json:"bytes"`
}

// clientKey is who the rate limit counts a request against: the address
// Cloudflare saw (CF-Connecting-IP), an IPv6 client by its /64, since one
// host holds a whole /64.
func clientKey(r *http.Request) string {
	addr := r.Header.Get("CF-Connecting-IP")
	if addr == "" {
		addr, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	ip := net.ParseIP(strings.TrimSpace(addr))
	if ip == nil {
		return "unknown"
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// admit checks the rate limit and the quota for a share of n bytes. It
// writes the refusal and returns false, or returns the usage to record.
func (h *Handler) admit(w http.ResponseWriter, r *http.Request, n int) (*usage, bool) {
	if h.Limiter == nil {
		writeError(w, http.StatusServiceUnavailable, "no_rate_limit", "the share service is misconfigured (no rate limit is bound), so it stores nothing")
		return nil, false
	}
	ok, err := h.Limiter.Allow(r.Context(), clientKey(r))
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "rate_limit_failed", "the share service cannot check its rate limit, so it stores nothing now: "+err.Error())
		return nil, false
	}
	if !ok {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many shares from this address: wait a minute and try again")
		return nil, false
	}
	u, err := h.loadUsage(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store_failed", "could not read the share service's usage: "+err.Error())
		return nil, false
	}
	now := h.now().UTC()
	today := u.today(now)
	if today.Shares >= h.Quota.perDay() {
		midnight := now.Truncate(day).Add(day)
		w.Header().Set("Retry-After", strconv.Itoa(int(midnight.Sub(now).Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "daily_cap",
			fmt.Sprintf("the share service has made its %d shares for today (UTC); try again after midnight UTC, or share a plain link, which needs no server", h.Quota.perDay()))
		return nil, false
	}
	if total := u.total(); total+int64(n) > h.Quota.stored() {
		writeError(w, http.StatusInsufficientStorage, "storage_full",
			fmt.Sprintf("the share service stores at most %d bytes of shares and holds %d; try again when older shares expire, or share a plain link", h.Quota.stored(), total))
		return nil, false
	}
	return u, true
}

// record counts a stored share of n bytes. KV has no transactions: two
// shares created at once may count as one, which the rate limit bounds.
func (h *Handler) record(ctx context.Context, u *usage, n int) error {
	t := u.today(h.now().UTC())
	t.Shares++
	t.Bytes += int64(n)
	b, _ := json.Marshal(u)
	return h.Store.Put(ctx, usageID, b, kvTTL(h.ttl()+day))
}

// loadUsage reads the usage record, keeping only the days whose shares may
// still be stored.
func (h *Handler) loadUsage(ctx context.Context) (*usage, error) {
	u := &usage{}
	b, err := h.Store.Get(ctx, usageID)
	switch {
	case errors.Is(err, ErrNotFound):
		return u, nil
	case err != nil:
		return nil, err
	}
	if json.Unmarshal(b, u) != nil {
		u = &usage{} // a damaged record starts the count again rather than refusing every share
	}
	oldest := h.now().UTC().Add(-h.ttl() - day).Format(time.DateOnly)
	kept := u.Days[:0]
	for _, d := range u.Days {
		if d.Day >= oldest {
			kept = append(kept, d)
		}
	}
	u.Days = kept
	return u, nil
}

// today is the record of now's UTC day, added if missing.
func (u *usage) today(now time.Time) *dayUsage {
	d := now.Format(time.DateOnly)
	if n := len(u.Days); n > 0 && u.Days[n-1].Day == d {
		return &u.Days[n-1]
	}
	u.Days = append(u.Days, dayUsage{Day: d})
	return &u.Days[len(u.Days)-1]
}

func (u *usage) total() (n int64) {
	for _, d := range u.Days {
		n += d.Bytes
	}
	return n
}
