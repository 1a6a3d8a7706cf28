//go:build !js

// Command compare runs every contender on the same _metadata files, one
// after the other, and prints a markdown table with timings, peak memory
// and the ratios of issue 8. bench/compare.sh builds what it needs and runs
// it; see bench/RESULTS.md for figures.
//
// Contenders (each skipped with a note when its tool is missing):
//   - native:     bench/native, flink.Decode alone, and parse.Decode +
//     parse.Analyze (-analyze, what the CLI and the page compute);
//   - flink:      testdata/flink/oracle.sh bench, Flink's own
//     Checkpoints.loadCheckpointMetadata, cold (JVM start + first load) and warm;
//   - wasm:       bench/wasm, the built page in headless Chromium, drop to
//     rendered result;
//   - heuristic:  python3 ../shared/peers/seed_heuristic.py, the scanning
//     script people use today.
//
// Peak memory is the child's maximum resident set size from wait4 (the
// largest process of its tree: the JVM under oracle.sh, python under the
// heuristic); for the browser it is the largest VmHWM among Chromium's
// processes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type run struct {
	wall   time.Duration
	rssMB  float64
	stdout []byte
	err    error
}

// execute runs a command and reports its wall time and peak RSS.
func execute(timeout time.Duration, name string, args ...string) run {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(start), stdout: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
		}
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("killed after %v", timeout)
	} else if err != nil {
		msg := strings.TrimSpace(errb.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		err = fmt.Errorf("%v: %s", err, msg)
	}
	r.err = err
	return r
}

// row is one contender on one file.
type row struct {
	File, Tool string
	ColdMs     float64 // whole process, from launch to result (-1 = not measured)
	WarmMs     float64 // median of repeated runs in one process (-1 = none)
	PeakRSSMB  float64
	Result     string
	Err        string
	sizes      map[string]int64 // native -analyze and wasm: the summary figures
	fileSize   int64
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func main() {
	files := flag.String("files", "", "comma-separated _metadata files")
	native := flag.String("native", "", "bench/native binary")
	wasm := flag.String("wasm", "", "bench/wasm binary (empty: skip the browser)")
	dist := flag.String("dist", "dist", "built page for -wasm")
	oracle := flag.String("oracle", "testdata/flink/oracle.sh", "Flink oracle script (missing: skip Flink)")
	heuristic := flag.String("heuristic", "../shared/peers/seed_heuristic.py", "scanning heuristic (missing: skip)")
	iter := flag.Int("iter", 10, "warm iterations of native and Flink")
	wasmIter := flag.Int("wasm-iter", 3, "drops timed in the browser")
	timeout := flag.Duration("timeout", 15*time.Minute, "longest run of one contender on one file")
	heuristicTimeout := flag.Duration("heuristic-timeout", 10*time.Minute, "longest run of the heuristic on one file (it scans byte by byte in Python)")
	out := flag.String("out", "", "also write the markdown here")
	raw := flag.String("raw", "", "also write every row as JSON lines here")
	flag.Parse()
	if *files == "" || *native == "" {
		fmt.Fprintln(os.Stderr, "usage: compare -files F1,F2 -native BIN [-wasm BIN -dist DIR] [-oracle oracle.sh] [-heuristic seed_heuristic.py]")
		os.Exit(2)
	}
	var rows []*row
	for _, f := range strings.Split(*files, ",") {
		st, err := os.Stat(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		label := filepath.Base(filepath.Dir(f))
		fmt.Fprintf(os.Stderr, "== %s (%.1f MB)\n", label, float64(st.Size())/1e6)
		add := func(r *row) {
			r.File, r.fileSize = label, st.Size()
			rows = append(rows, r)
			fmt.Fprintf(os.Stderr, "   %-16s cold %9.1f ms  warm %9.1f ms  peak %7.1f MB  %s%s\n", r.Tool, r.ColdMs, r.WarmMs, r.PeakRSSMB, r.Result, r.Err)
		}
		add(nativeRow(*native, f, false, *iter, *timeout))
		add(nativeRow(*native, f, true, *iter, *timeout))
		if _, err := os.Stat(*oracle); err == nil {
			add(flinkRow(*oracle, f, *iter, *timeout))
		} else {
			add(&row{Tool: "flink", ColdMs: -1, WarmMs: -1, Err: "skipped: " + *oracle + " missing"})
		}
		if *wasm != "" {
			add(wasmRow(*wasm, *dist, f, *wasmIter, *timeout))
		} else {
			add(&row{Tool: "wasm", ColdMs: -1, WarmMs: -1, Err: "skipped: no browser harness or dist/"})
		}
		if _, err := os.Stat(*heuristic); err == nil {
			add(heuristicRow(*heuristic, f, *heuristicTimeout))
		} else {
			add(&row{Tool: "heuristic", ColdMs: -1, WarmMs: -1, Err: "skipped: " + *heuristic + " missing"})
		}
	}
	md := render(rows)
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
		}
	}
	if *raw != "" {
		var b bytes.Buffer
		for _, r := range rows {
			json.NewEncoder(&b).Encode(r)
		}
		os.WriteFile(*raw, b.Bytes(), 0o644)
	}
}

func nativeRow(bin, file string, analyze bool, iter int, timeout time.Duration) *row {
	tool, args := "native-decode", []string{}
	if analyze {
		tool, args = "native-analyze", []string{"-analyze"}
	}
	r := &row{Tool: tool, ColdMs: -1, WarmMs: -1}
	// Cold: a fresh process decoding once, start to exit. Its peak RSS is
	// the memory one decode needs.
	cold := execute(timeout, bin, append(append([]string{"-n", "1"}, args...), file)...)
	if cold.err != nil {
		r.Err = cold.err.Error()
		return r
	}
	r.ColdMs, r.PeakRSSMB = ms(cold.wall), cold.rssMB
	warm := execute(timeout, bin, append(append([]string{"-n", fmt.Sprint(iter + 1)}, args...), file)...)
	if warm.err != nil {
		r.Err = warm.err.Error()
		return r
	}
	var res struct {
		WarmMs       float64          `json:"warmMs"`
		Operators    int              `json:"operators"`
		Files        int              `json:"files"`
		BytesRead    int64            `json:"bytesRead"`
		Dependencies int              `json:"dependencies"`
		Sizes        map[string]int64 `json:"sizes"`
	}
	if err := json.Unmarshal(warm.stdout, &res); err != nil {
		r.Err = err.Error()
		return r
	}
	r.WarmMs, r.sizes = res.WarmMs, res.Sizes
	r.Result = fmt.Sprintf("%d operators", res.Operators)
	if analyze {
		r.Result += fmt.Sprintf(", %d files, %d folders", res.Files, res.Dependencies)
	}
	return r
}

func flinkRow(oracle, file string, iter int, timeout time.Duration) *row {
	r := &row{Tool: "flink", ColdMs: -1, WarmMs: -1}
	x := execute(timeout, oracle, "bench", file, fmt.Sprint(iter))
	r.PeakRSSMB = x.rssMB
	if x.err != nil {
		r.Err = x.err.Error()
		return r
	}
	var res struct {
		FlinkVersion    string   `json:"flinkVersion"`
		Operators       int      `json:"operators"`
		ColdFirstLoadMs *float64 `json:"coldFirstLoadMs"`
		WarmMedianMs    *float64 `json:"warmMedianMs"`
	}
	if err := json.Unmarshal(x.stdout, &res); err != nil {
		r.Err = fmt.Sprintf("%v in %q", err, x.stdout)
		return r
	}
	if res.ColdFirstLoadMs != nil {
		r.ColdMs = *res.ColdFirstLoadMs
	}
	if res.WarmMedianMs != nil {
		r.WarmMs = *res.WarmMedianMs
	}
	r.Result = fmt.Sprintf("Flink %s, %d operators", res.FlinkVersion, res.Operators)
	return r
}

func wasmRow(bin, dist, file string, n int, timeout time.Duration) *row {
	r := &row{Tool: "wasm", ColdMs: -1, WarmMs: -1}
	x := execute(time.Duration(n+2)*timeout, bin, "-n", fmt.Sprint(n), "-timeout", timeout.String(), dist, file)
	var res struct {
		DropToRenderMs float64           `json:"dropToRenderMs"`
		FirstMs        float64           `json:"firstDropToRenderMs"`
		DecodeMs       float64           `json:"decodeMs"`
		ReadMs         float64           `json:"readMs"`
		AnalyseMs      float64           `json:"analyseMs"`
		PeakRSSMB      float64           `json:"peakRSSMB"`
		State          string            `json:"state"`
		Summary        map[string]string `json:"summary"`
		Error          string            `json:"error"`
	}
	if err := json.Unmarshal(x.stdout, &res); err != nil {
		r.Err = fmt.Sprintf("%v", errors.Join(x.err, err))
		return r
	}
	r.PeakRSSMB = res.PeakRSSMB
	if res.Error != "" {
		r.Err = res.Error + " (page state " + res.State + ")"
		return r
	}
	r.ColdMs, r.WarmMs = res.FirstMs, res.DropToRenderMs
	r.sizes = map[string]int64{}
	for _, k := range []string{"full", "checkpointed", "fileBytes", "inline"} {
		var v int64
		if _, err := fmt.Sscan(res.Summary[k], &v); err == nil {
			r.sizes[k] = v
		}
	}
	// The page's own split of its first drop says where the time went.
	r.Result = fmt.Sprintf("rendered, operators %s; first drop: reading the file %.0f ms, decoding %.0f ms, analysis %.0f ms",
		res.Summary["operators"], res.ReadMs, res.DecodeMs-res.ReadMs, res.AnalyseMs)
	return r
}

func heuristicRow(script, file string, timeout time.Duration) *row {
	r := &row{Tool: "heuristic", ColdMs: -1, WarmMs: -1}
	x := execute(timeout, "python3", script, file)
	r.PeakRSSMB = x.rssMB
	if x.err != nil {
		r.Err = x.err.Error()
		r.ColdMs = ms(x.wall)
		return r
	}
	r.ColdMs = ms(x.wall)
	first, _, _ := bytes.Cut(x.stdout, []byte("\n"))
	r.Result = strings.TrimSpace(string(first))
	return r
}

func cell(v float64) string {
	if v < 0 {
		return "–"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func render(rows []*row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| file | size | contender | cold, process (ms) | warm (ms) | peak RSS (MB) | result |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		res := r.Result
		if r.Err != "" {
			res = strings.TrimSpace(res + " " + r.Err)
		}
		fmt.Fprintf(&b, "| %s | %.1f MB | %s | %s | %s | %s | %s |\n", r.File, float64(r.fileSize)/1e6, r.Tool,
			cell(r.ColdMs), cell(r.WarmMs), cell(r.PeakRSSMB), strings.ReplaceAll(res, "|", "/"))
	}
	b.WriteString("\nRatios (per file):\n\n")
	byFile := map[string]map[string]*row{}
	var order []string
	for _, r := range rows {
		if byFile[r.File] == nil {
			byFile[r.File] = map[string]*row{}
			order = append(order, r.File)
		}
		byFile[r.File][r.Tool] = r
	}
	ratio := func(a, b float64) string {
		if a <= 0 || b <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f×", a/b)
	}
	for _, f := range order {
		t := byFile[f]
		nd, na, fl, wa, he := t["native-decode"], t["native-analyze"], t["flink"], t["wasm"], t["heuristic"]
		heuristicRatio := ratio(he.ColdMs, na.ColdMs)
		if strings.HasPrefix(he.Err, "killed") && heuristicRatio != "–" {
			heuristicRatio = "> " + heuristicRatio // still running when stopped
		}
		fmt.Fprintf(&b, "- **%s**: Flink warm / native decode warm = %s (target ≥ 5×); "+
			"Flink cold (JVM start + load) / native cold (process) = %s; "+
			"wasm drop-to-render / native decode+analysis warm = %s (target ≤ 2×); "+
			"heuristic / native decode+analysis cold = %s; native peak RSS %s MB",
			f, ratio(fl.WarmMs, nd.WarmMs), ratio(fl.ColdMs, nd.ColdMs), ratio(wa.WarmMs, na.WarmMs),
			heuristicRatio, cell(max(nd.PeakRSSMB, na.PeakRSSMB)))
		if wa.Err == "" && wa.sizes != nil && na.sizes != nil {
			same := true
			for _, k := range []string{"full", "checkpointed", "fileBytes", "inline"} {
				if wa.sizes[k] != na.sizes[k] {
					same = false
					fmt.Fprintf(&b, "; **browser differs** on %s: %d vs native %d", k, wa.sizes[k], na.sizes[k])
				}
			}
			if same {
				b.WriteString("; browser shows the same sizes as native (full, checkpointed, files, inline)")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
