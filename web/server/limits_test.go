package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLimiter allows limit requests per key, as the binding does within
// one period.
type fakeLimiter struct {
	mu    sync.Mutex
	limit int
	seen  map[string]int
	err   error
}

func (f *fakeLimiter) Allow(_ context.Context, key string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return false, f.err
	}
	if f.seen == nil {
		f.seen = map[string]int{}
	}
	f.seen[key]++
	return f.seen[key] <= f.limit, nil
}

func postFrom(h http.Handler, ip string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/api/shares", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("CF-Connecting-IP", ip)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Each client is limited on its own, an IPv6 client by its /64.
func TestRateLimitPerClient(t *testing.T) {
	h, st, _ := newTestHandler()
	lim := &fakeLimiter{limit: 3}
	h.Limiter = lim
	for i := range 4 {
		w := postFrom(h, "203.0.113.7", ciphertext(64))
		if want := i < 3; (w.Code == http.StatusCreated) != want {
			t.Fatalf("request %d: status %d", i, w.Code)
		}
		if i == 3 {
			if e := decodeError(t, w); w.Code != http.StatusTooManyRequests || e.Code != "rate_limited" || w.Header().Get("Retry-After") != "60" {
				t.Errorf("over the limit: %d %+v", w.Code, e)
			}
		}
	}
	if w := postFrom(h, "198.51.100.1", ciphertext(64)); w.Code != http.StatusCreated {
		t.Errorf("another client is limited too: %d", w.Code)
	}
	for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2::3"} {
		postFrom(h, ip, ciphertext(64))
	}
	if n := lim.seen["2001:db8:1:2::/64"]; n != 3 {
		t.Errorf("one IPv6 /64 counted as %d requests under its key: %v", n, lim.seen)
	}
	if st.Len() != 7 {
		t.Errorf("%d shares stored, want 7", st.Len())
	}
}

// Without a working rate limit the Worker stores nothing.
func TestNoRateLimitStoresNothing(t *testing.T) {
	h, st, _ := newTestHandler()
	h.Limiter = nil
	if w := postFrom(h, "203.0.113.7", ciphertext(64)); w.Code != http.StatusServiceUnavailable || decodeError(t, w).Code != "no_rate_limit" {
		t.Errorf("no limiter: %d %s", w.Code, w.Body)
	}
	h.Limiter = &fakeLimiter{err: errors.New("binding down")}
	if w := postFrom(h, "203.0.113.7", ciphertext(64)); w.Code != http.StatusServiceUnavailable || decodeError(t, w).Code != "rate_limit_failed" {
		t.Errorf("failing limiter: %d %s", w.Code, w.Body)
	}
	if st.Len() != 0 {
		t.Errorf("%d shares stored", st.Len())
	}
}

// The daily cap counts every client's shares per UTC day, and opens again
// the next day.
func TestDailyCap(t *testing.T) {
	h, st, c := newTestHandler()
	h.Quota = Quota{SharesPerDay: 3}
	for i := range 3 {
		if w := postFrom(h, "203.0.113."+string(rune('1'+i)), ciphertext(64)); w.Code != http.StatusCreated {
			t.Fatalf("share %d: %d %s", i, w.Code, w.Body)
		}
	}
	w := postFrom(h, "203.0.113.9", ciphertext(64))
	e := decodeError(t, w)
	if w.Code != http.StatusTooManyRequests || e.Code != "daily_cap" || !strings.Contains(e.Error, "3 shares for today") {
		t.Errorf("over the daily cap: %d %+v", w.Code, e)
	}
	// 12:00 UTC: midnight is 12 hours away.
	if ra := w.Header().Get("Retry-After"); ra != "43201" {
		t.Errorf("Retry-After %q", ra)
	}
	c.t = c.t.Add(13 * time.Hour)
	if w := postFrom(h, "203.0.113.9", ciphertext(64)); w.Code != http.StatusCreated {
		t.Errorf("the next day: %d %s", w.Code, w.Body)
	}
	if st.Len() != 4 {
		t.Errorf("%d shares stored", st.Len())
	}
}

// The stored-bytes cap counts the shares that may still be stored, and
// frees their bytes once they have expired.
func TestStoredBytesCap(t *testing.T) {
	h, _, c := newTestHandler() // TTL one hour
	h.Quota = Quota{StoredBytes: 1000}
	if w := postFrom(h, "203.0.113.1", ciphertext(600)); w.Code != http.StatusCreated {
		t.Fatal(w.Code, w.Body)
	}
	w := postFrom(h, "203.0.113.2", ciphertext(500))
	if e := decodeError(t, w); w.Code != http.StatusInsufficientStorage || e.Code != "storage_full" || !strings.Contains(e.Error, "holds 600") {
		t.Errorf("over the stored cap: %d %+v", w.Code, e)
	}
	if w := postFrom(h, "203.0.113.2", ciphertext(400)); w.Code != http.StatusCreated {
		t.Errorf("what still fits: %d %s", w.Code, w.Body)
	}
	c.t = c.t.Add(h.TTL + 2*day) // both expired
	if w := postFrom(h, "203.0.113.3", ciphertext(900)); w.Code != http.StatusCreated {
		t.Errorf("after the shares expired: %d %s", w.Code, w.Body)
	}
}

func TestParseQuota(t *testing.T) {
	q, err := ParseQuota(" 10 ", "2048")
	if err != nil || q != (Quota{SharesPerDay: 10, StoredBytes: 2048}) {
		t.Errorf("%+v %v", q, err)
	}
	if q, err := ParseQuota("", ""); err != nil || q.perDay() != DefaultSharesPerDay || q.stored() != DefaultStoredBytes {
		t.Errorf("defaults %+v %v", q, err)
	}
	for _, bad := range [][2]string{{"0", ""}, {"-1", ""}, {"x", ""}, {"", "1e9"}, {"3000000000", ""}} {
		if _, err := ParseQuota(bad[0], bad[1]); err == nil {
			t.Errorf("ParseQuota(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
