// Command scale runs the scale benchmarks side by side, each case at three
// sizes growing about 10× and 100×, and prints one markdown table of growth
// curves (bench/scale.sh builds the tools and calls it):
//
//   - operators: `ckptlens inspect` (text and --json) of _metadata files of
//     20k, 200k and 2M operators without state;
//   - json: `ckptlens inspect` and `inspect --json` of handle-dense files of
//     8k, 80k and 800k handles, with the JSON's MB/s;
//   - listing: `ckptlens orphans` of a 217k-file checkpoint against
//     hdfs dfs -ls -R listings of 0.24M, 0.42M and 2.2M lines, and the
//     listing reader's own rate;
//   - inventory: the same objects as S3 Inventory (Parquet, CSV.gz) and
//     Storage Insights (CSV) reports.
//
// Every figure is one cold process run: wall time and peak RSS (wait4).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ckptlens/ckptlens/parse/inventory"
	"github.com/ckptlens/ckptlens/parse/listing"
)

type tools struct{ gen, listgen, cli, dir string }

// run is one process's cost.
type run struct {
	wall time.Duration
	cpu  time.Duration // user + system: on a shared machine the wall clock also measures the neighbours
	rss  float64       // MB
	out  int64         // bytes written to stdout
}

func (t tools) run(name string, args ...string) run {
	cmd := exec.Command(name, args...)
	cw := &counter{}
	cmd.Stdout = cw
	cmd.Stderr = io.Discard
	start := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(start), out: cw.n}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = float64(ru.Maxrss) / 1024
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if err != nil && cmd.ProcessState.ExitCode() > 1 {
		fmt.Fprintf(os.Stderr, "scale: %s %s: %v\n", name, strings.Join(args, " "), err)
	}
	return r
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// output runs a generator and decodes the JSON it prints.
func output(v any, name string, args ...string) {
	b, err := exec.Command(name, args...).Output()
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "scale: %s %s: %v\n", name, strings.Join(args, " "), err)
		os.Exit(1)
	}
}

func main() {
	var t tools
	flag.StringVar(&t.gen, "gen", "", "bench/gen binary")
	flag.StringVar(&t.listgen, "listgen", "", "bench/listgen binary")
	flag.StringVar(&t.cli, "cli", "", "ckptlens binary")
	flag.StringVar(&t.dir, "dir", "/tmp/ckptlens-bench/scale", "where the inputs are written")
	only := flag.String("only", "operators,json,listing,inventory", "cases to run")
	big := flag.Int("garbage", 2_000_000, "unreferenced files in the largest listing (20000000 for the 20 M-line run)")
	readerOnly := flag.Bool("reader-only", false, "listing, inventory: time the reader alone, not the plan")
	read := flag.String("read", "", "read this listing or inventory, print how many entries (the reader's process for the table)")
	flag.Parse()
	if *read != "" {
		n, err := readAll(*read)
		fmt.Println(n, err)
		return
	}
	os.MkdirAll(t.dir, 0o755)
	fmt.Println("| case | size | command | wall (s) | CPU (s) | peak RSS (MB) | per item | output |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, c := range strings.Split(*only, ",") {
		switch c {
		case "operators":
			t.operators()
		case "json":
			t.json()
		case "listing", "inventory":
			t.listings(c, *big, *readerOnly)
		}
	}
}

func row(kase, size, command string, r run, per, out string) {
	fmt.Printf("| %s | %s | %s | %.2f | %.2f | %.0f | %s | %s |\n", kase, size, command, r.wall.Seconds(), r.cpu.Seconds(), r.rss, per, out)
}

func (t tools) operators() {
	for _, n := range []int{20_000, 200_000, 2_000_000} {
		dir := filepath.Join(t.dir, fmt.Sprintf("ops-%d", n))
		var st struct{ Path string }
		output(&st, t.gen, "-kind", "operators", "-operators", fmt.Sprint(n), "-o", dir)
		size := fmt.Sprintf("%s operators", count(n))
		for _, args := range [][]string{{"inspect"}, {"inspect", "--json"}} {
			r := t.run(t.cli, append(args, st.Path)...)
			row("operators", size, "ckptlens "+strings.Join(args, " "), r,
				fmt.Sprintf("%.2f µs CPU/operator", float64(r.cpu.Microseconds())/float64(n)), mb(r.out))
		}
	}
}

func (t tools) json() {
	for _, par := range []int{18, 185, 1850} {
		dir := filepath.Join(t.dir, fmt.Sprintf("dense-8x%d", par))
		var st struct {
			Path    string
			Handles int
		}
		output(&st, t.gen, "-kind", "dense", "-operators", "8", "-parallelism", fmt.Sprint(par), "-o", dir)
		size := fmt.Sprintf("%s handles", count(st.Handles))
		text := t.run(t.cli, "inspect", st.Path)
		row("json", size, "ckptlens inspect", text, "", mb(text.out))
		js := t.run(t.cli, "inspect", "--json", st.Path)
		row("json", size, "ckptlens inspect --json", js,
			fmt.Sprintf("%.0f MB/s (%.0f per CPU s); ×%.2f wall, ×%.2f CPU, ×%.2f RSS of text", float64(js.out)/1e6/js.wall.Seconds(),
				float64(js.out)/1e6/js.cpu.Seconds(), js.wall.Seconds()/text.wall.Seconds(), js.cpu.Seconds()/text.cpu.Seconds(), js.rss/text.rss), mb(js.out))
	}
}

// listings plans a 217k-file checkpoint against listings (or inventories)
// of it with 1%, 10% and 100% of garbage.
func (t tools) listings(kase string, big int, readerOnly bool) {
	dir := filepath.Join(t.dir, "dense-4x1000-s3")
	var st struct{ Path string }
	output(&st, t.gen, "-kind", "dense", "-operators", "4", "-parallelism", "1000", "-root", "s3://bench/flink/checkpoints", "-o", dir)
	formats := []string{"hdfs"}
	if kase == "inventory" {
		formats = []string{"s3-parquet", "s3-csv.gz", "gcs-csv"}
	}
	for _, garbage := range []int{big / 100, big / 10, big} {
		for _, f := range formats {
			out := filepath.Join(t.dir, fmt.Sprintf("%s-%d", f, garbage))
			var l struct {
				Path, Base string
				Objects    int
			}
			output(&l, t.listgen, "-metadata", st.Path, "-garbage", fmt.Sprint(garbage), "-format", f, "-o", out)
			size := fmt.Sprintf("%s lines, %s", count(l.Objects), f)
			rd := t.run(os.Args[0], "-read", l.Path)
			row(kase, size, "reader alone (listing.Scanner, inventory.Reader)", rd,
				fmt.Sprintf("%s lines/s, %s per CPU s", count(int(float64(l.Objects)/rd.wall.Seconds())), count(int(float64(l.Objects)/rd.cpu.Seconds()))), "")
			if readerOnly {
				continue
			}
			r := t.run(t.cli, "orphans", "--listing", l.Path, "--base", l.Base, st.Path)
			row(kase, size, "ckptlens orphans", r, fmt.Sprintf("%.2f µs CPU/line", float64(r.cpu.Microseconds())/float64(l.Objects)), mb(r.out))
			if kase == "listing" {
				r := t.run(t.cli, "orphans", "--paths", "--listing", l.Path, "--base", l.Base, st.Path)
				row(kase, size, "ckptlens orphans --paths", r, fmt.Sprintf("%.2f µs CPU/line", float64(r.cpu.Microseconds())/float64(l.Objects)), mb(r.out))
			}
		}
	}
}

// readAll reads a listing or inventory to its end, as the CLI's reader does.
func readAll(path string) (int, error) {
	var st listing.Stream
	if inventory.Is(path) {
		r, err := inventory.Open(path)
		if err != nil {
			return 0, err
		}
		defer r.Close()
		st = r
	} else {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		st = listing.NewScanner(f)
	}
	n := 0
	for st.Next() {
		n++
	}
	return n, st.Err()
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
