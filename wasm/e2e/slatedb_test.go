//go:build !js

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// TestSlateDBCompactionsAndProjection drops a compactions file and a
// projected clone's manifest from the SlateDB restore proof: each is shown
// in SlateDB's terms, as the engine reads it (the CLI's JSON), with no
// Flink rows and no Operators section.
func TestSlateDBCompactionsAndProjection(t *testing.T) {
	proof := filepath.Join(repoRoot, "testdata", "slatedb", "proof", "proof")
	compactions := filepath.Join(proof, "main", "compactions", "00000000000000000014.compactions")
	projected := filepath.Join(proof, "projected", "manifest", "00000000000000000002.manifest")
	for _, f := range []string{compactions, projected} {
		if _, err := os.Stat(f); err != nil {
			t.Skip("testdata/slatedb/proof is absent")
		}
	}
	p := page(t)
	drop(t, p, compactions)
	want := inspectCLI(t, compactions)
	if want.Compactions == nil {
		t.Fatal("the engine does not read the compactions file as one")
	}
	rows, err := p.Table("#compactions-table")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want.Compactions.Compactions) {
		t.Fatalf("%d compactions shown, the engine has %d", len(rows), len(want.Compactions.Compactions))
	}
	for i, c := range want.Compactions.Compactions {
		if rows[i]["id"] != c.ID || !strings.HasPrefix(rows[i]["status"], c.Status) || rows[i]["outputs"] != itoa(len(c.Outputs)) {
			t.Errorf("compaction %d: %v, engine %+v", i, rows[i], c)
		}
	}
	checkSlateDBSummary(t, p, "compactions", "compactionsId")

	drop(t, p, projected)
	want = inspectCLI(t, projected)
	var ranges []string
	for _, s := range want.SlateDB.SSTs {
		for _, r := range s.VisibleRanges {
			if !strings.Contains(strings.Join(ranges, "|"), r) {
				ranges = append(ranges, r)
			}
		}
	}
	if len(ranges) == 0 {
		t.Fatal("the engine gives the projected clone no key ranges")
	}
	shown, _ := p.Text(`#summary [data-k="ranges"]`)
	for _, r := range ranges {
		if !strings.Contains(shown, r) {
			t.Errorf("key range %q missing from %q", r, shown)
		}
	}
	ssts, err := p.Table("#slatedb-ssts-table")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ssts {
		if s["ranges"] == "" {
			t.Errorf("an SST without its key range cell: %v", s)
		}
	}
	checkSlateDBSummary(t, p, "manifest", "manifestId")
}

// checkSlateDBSummary checks the summary speaks SlateDB's terms only.
func checkSlateDBSummary(t *testing.T, p *browsertest.Page, what, key string) {
	t.Helper()
	keys, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#summary dd")].map(d => d.dataset.k)`)
	if err != nil {
		t.Fatal(err)
	}
	joined := " " + strings.Join(keys, " ") + " "
	if !strings.Contains(joined, " "+key+" ") {
		t.Errorf("%s: no %s row in %q", what, key, keys)
	}
	for _, flinkOnly := range []string{"checkpointId", "operators", "full", "checkpointed", "inline", "kind", "hints"} {
		if strings.Contains(joined, " "+flinkOnly+" ") {
			t.Errorf("%s: a Flink-only row %s in %q", what, flinkOnly, keys)
		}
	}
	if ops, _ := browsertest.Eval[bool](p, `!!document.getElementById("operators")`); ops {
		t.Errorf("%s: an Operators section", what)
	}
}
