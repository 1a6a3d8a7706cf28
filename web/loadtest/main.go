// Command loadtest creates shares on the Worker concurrently and reads every
// one back, checking none is lost or mixed up. It prints figures for the
// README; it asserts correctness, never timing.
//
//	go run ./web/loadtest                 # starts the Worker on local workerd itself
//	go run ./web/loadtest -url http://127.0.0.1:8787   # a running ./build.sh serve
//
// Only loopback addresses are accepted.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ckptlens/ckptlens/web/localworker"
)

func main() {
	n := flag.Int("n", 1000, "shares to create")
	conc := flag.Int("c", 32, "concurrent clients")
	minSize := flag.Int("min", 1<<10, "smallest ciphertext, bytes")
	maxSize := flag.Int("max", 64<<10, "largest ciphertext, bytes")
	target := flag.String("url", "", "a running Worker (loopback only); empty starts one on local workerd")
	flag.Parse()
	if err := run(*n, *conc, *minSize, *maxSize, *target); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type share struct {
	body []byte
	sum  [32]byte
	id   string
}

type timings struct {
	mu sync.Mutex
	d  []time.Duration
}

func (t *timings) add(d time.Duration) {
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
}

func (t *timings) String() string {
	slices.Sort(t.d)
	q := func(p float64) time.Duration {
		if len(t.d) == 0 {
			return 0
		}
		return t.d[min(len(t.d)-1, int(p*float64(len(t.d))))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %v, p95 %v, p99 %v, max %v", q(0.50), q(0.95), q(0.99), q(1))
}

// config is what the flags ask for.
type config struct {
	n, conc, minSize, maxSize int
	target                    string
}

// loadTest is one run against one Worker: the shares, the timings of each
// phase and every failure seen.
type loadTest struct {
	config
	base   string
	client *http.Client
	shares []*share

	createT, readT, rereadT timings
	phase1, phase2          time.Duration
	lost, mixed, intact     int

	mu       sync.Mutex
	failures []string
}

func run(n, conc, minSize, maxSize int, target string) error {
	lt := &loadTest{config: config{n: n, conc: conc, minSize: minSize, maxSize: maxSize, target: target}}
	base, stop, err := lt.worker()
	if err != nil {
		return err
	}
	defer stop()
	if err := requireLoopback(base); err != nil {
		return err
	}
	lt.base = base
	lt.client = &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conc},
		Timeout:   60 * time.Second,
	}
	lt.shares = randomShares(n, minSize, maxSize)
	lt.createAndReadBack()
	lt.rereadShuffled()
	return lt.report()
}

// worker is the Worker under test: the one at -url, or one started on local
// workerd; stop ends the started one.
func (lt *loadTest) worker() (base string, stop func(), err error) {
	if lt.target != "" {
		return lt.target, func() {}, nil
	}
	fmt.Println("starting the Worker on local workerd (wrangler dev --local)...")
	// Only the API is under load: serve an empty page folder, so a
	// rebuild of dist/ meanwhile cannot make wrangler restart the Worker.
	assets, err := os.MkdirTemp("", "ckptlens-loadtest-")
	if err != nil {
		return "", nil, err
	}
	os.WriteFile(filepath.Join(assets, "index.html"), []byte("<!doctype html><title>load test</title>"), 0o644)
	// The rate limit and daily cap (which this test would hit at once,
	// from one address) are raised to fit the run; web/localworker's
	// TestWorkerLimitsUnderLoad tests them under load.
	w, err := localworker.Start(context.Background(), localworker.Options{Assets: assets,
		SharesPerMinute: lt.n + 1, Vars: map[string]string{"MAX_SHARES_PER_DAY": fmt.Sprint(lt.n + 1)}})
	if err != nil {
		os.RemoveAll(assets)
		return "", nil, err
	}
	return w.URL, func() { w.Stop(); os.RemoveAll(assets) }, nil
}

func randomShares(n, minSize, maxSize int) []*share {
	shares := make([]*share, n)
	for i := range shares {
		b := make([]byte, randomSize(minSize, maxSize))
		rand.Read(b)
		shares[i] = &share{body: b, sum: sha256.Sum256(b)}
	}
	return shares
}

func (lt *loadTest) fail(format string, args ...any) {
	lt.mu.Lock()
	lt.failures = append(lt.failures, fmt.Sprintf(format, args...))
	lt.mu.Unlock()
}

// inParallel calls each with every index of order, from lt.conc clients at
// once, and returns how long they took.
func (lt *loadTest) inParallel(order []int, each func(i int)) time.Duration {
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range lt.conc {
		wg.Go(func() {
			for i := range jobs {
				each(i)
			}
		})
	}
	for _, i := range order {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return time.Since(start)
}

// createAndReadBack is phase 1: each client creates shares and reads each
// one straight back.
func (lt *loadTest) createAndReadBack() {
	order := make([]int, lt.n)
	for i := range order {
		order[i] = i
	}
	lt.phase1 = lt.inParallel(order, func(i int) {
		s := lt.shares[i]
		t0 := time.Now()
		id, err := create(lt.client, lt.base, s.body)
		lt.createT.add(time.Since(t0))
		if err != nil {
			lt.fail("create #%d: %v", i, err)
			return
		}
		s.id = id
		t0 = time.Now()
		got, err := read(lt.client, lt.base, id)
		lt.readT.add(time.Since(t0))
		if err != nil {
			lt.fail("read back #%d (%s): %v", i, id, err)
		} else if sha256.Sum256(got) != s.sum {
			lt.fail("share %s returned different bytes than were posted", id)
		}
	})
}

// rereadShuffled is phase 2: with everything written, read every share
// again in a shuffled order, so a lost write or a crossed id shows up.
func (lt *loadTest) rereadShuffled() {
	var counts sync.Mutex
	lt.phase2 = lt.inParallel(shuffled(lt.n), func(i int) {
		s := lt.shares[i]
		if s.id == "" {
			return
		}
		t0 := time.Now()
		got, err := read(lt.client, lt.base, s.id)
		lt.rereadT.add(time.Since(t0))
		counts.Lock()
		defer counts.Unlock()
		switch {
		case err != nil:
			lt.lost++
			lt.fail("re-read %s: %v", s.id, err)
		case sha256.Sum256(got) != s.sum:
			lt.mixed++
			lt.fail("re-read %s: bytes belong to another share or are damaged", s.id)
		default:
			lt.intact++
		}
	})
}

// shuffled is 0..n-1 in a random order.
func shuffled(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	for i := len(order) - 1; i > 0; i-- {
		j, _ := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		order[i], order[j.Int64()] = order[j.Int64()], order[i]
	}
	return order
}

// report prints the figures and fails on any lost, mixed-up or missing share.
func (lt *loadTest) report() error {
	ids := map[string]bool{}
	var total int64
	for _, s := range lt.shares {
		if s.id != "" {
			ids[s.id] = true
		}
		total += int64(len(s.body))
	}
	n := lt.n
	fmt.Printf("\nckptlens share load test: %d shares, %d concurrent clients, %d–%d byte ciphertexts (%.1f MiB in all), %s on %d CPUs\n",
		n, lt.conc, lt.minSize, lt.maxSize, float64(total)/(1<<20), lt.base, runtime.NumCPU())
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		// Other work on the machine slows every figure; say how busy it was.
		fmt.Printf("  machine load average at the end: %s\n", strings.Join(strings.Fields(string(la))[:3], " "))
	}
	fmt.Printf("  create + read back: %v (%.0f shares/s); POST %s; GET %s\n", lt.phase1.Round(time.Millisecond), float64(n)/lt.phase1.Seconds(), &lt.createT, &lt.readT)
	fmt.Printf("  re-read all, shuffled: %v (%.0f reads/s); GET %s\n", lt.phase2.Round(time.Millisecond), float64(n)/lt.phase2.Seconds(), &lt.rereadT)
	fmt.Printf("  distinct ids: %d; intact on re-read: %d; lost: %d; mixed up: %d; other failures: %d\n",
		len(ids), lt.intact, lt.lost, lt.mixed, len(lt.failures)-lt.lost-lt.mixed)
	if len(lt.failures) > 0 {
		for _, f := range lt.failures[:min(len(lt.failures), 10)] {
			fmt.Println("  FAIL", f)
		}
		return fmt.Errorf("%d failures", len(lt.failures))
	}
	if len(ids) != n || lt.intact != n {
		return fmt.Errorf("%d distinct ids and %d intact shares for %d created", len(ids), lt.intact, n)
	}
	fmt.Println("  OK: every share came back intact, under its own id")
	return nil
}

func randomSize(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	r, _ := rand.Int(rand.Reader, big.NewInt(int64(hi-lo+1)))
	return lo + int(r.Int64())
}

func create(c *http.Client, base string, body []byte) (string, error) {
	res, err := c.Post(base+"/api/shares", "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("status %d: %s", res.StatusCode, b)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(b, &created); err != nil {
		return "", err
	}
	return created.ID, nil
}

func read(c *http.Client, base, id string) ([]byte, error) {
	res, err := c.Get(base + "/api/shares/" + id)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", res.StatusCode, b)
	}
	return b, nil
}

func requireLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: the load test runs on 127.0.0.1 only", raw)
	}
	return nil
}
