package server

import (
	"crypto/sha256"
	"encoding/base64"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestVuguHelperHash recomputes the hash of vugu's renderer helper from the
// vugu module this repository builds with, so upgrading vugu cannot
// silently leave the page blank under the Worker's CSP.
func TestVuguHelperHash(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/vugu/vugu").Output()
	if err != nil {
		t.Fatalf("locating the vugu module: %v", err)
	}
	file := filepath.Join(strings.TrimSpace(string(dir)), "domrender", "renderer-js-script.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var script string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "jsHelperScript" {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				script, _ = strconv.Unquote(lit.Value)
			}
		}
		return true
	})
	if script == "" {
		t.Fatalf("no jsHelperScript constant in %s", file)
	}
	sum := sha256.Sum256([]byte(script))
	if got := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; got != VuguHelperHash {
		t.Fatalf("vugu's helper hashes to %s; set VuguHelperHash to it", got)
	}
	if !strings.Contains(directive(PageCSP, "script-src"), VuguHelperHash) {
		t.Fatal("the page CSP does not allow vugu's helper")
	}
}
