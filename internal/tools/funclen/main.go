// Command funclen fails when a hand-written Go function is longer than the
// limit, so long functions are split when they are written, not in a review.
//
//	go run ./internal/tools/funclen [-max 80] [dir]
//
// It walks dir (default "."), skipping testdata, node_modules, hidden
// folders and files marked "Code generated ... DO NOT EDIT.", and prints
// every longer function as path:line: name: N lines.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	limit := flag.Int("max", 80, "the longest function allowed, in lines from func to its closing brace")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	long, err := LongFunctions(root, *limit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "funclen:", err)
		os.Exit(2)
	}
	report(os.Stderr, long, *limit)
	if len(long) > 0 {
		os.Exit(1)
	}
}

func report(w io.Writer, long []Function, limit int) {
	for _, f := range long {
		fmt.Fprintf(w, "%s:%d: %s: %d lines\n", f.Path, f.Line, f.Name, f.Lines)
	}
	if len(long) > 0 {
		fmt.Fprintf(w, "%d functions are longer than %d lines; split them into named pieces\n", len(long), limit)
	}
}

// Function is one function declaration and its length in lines.
type Function struct {
	Path  string
	Line  int
	Name  string
	Lines int
}

// LongFunctions lists the hand-written functions under root longer than
// limit lines, longest first.
func LongFunctions(root string, limit int) ([]Function, error) {
	var long []Function
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skippedDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		funcs, err := fileFunctions(path)
		if err != nil {
			return err
		}
		for _, f := range funcs {
			if f.Lines > limit {
				long = append(long, f)
			}
		}
		return nil
	})
	sort.SliceStable(long, func(i, j int) bool { return long[i].Lines > long[j].Lines })
	return long, err
}

func skippedDir(name string) bool {
	return name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// fileFunctions measures every function declared in one file; a generated
// file has none to measure.
func fileFunctions(path string) ([]Function, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if ast.IsGenerated(file) {
		return nil, nil
	}
	var funcs []Function
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
		funcs = append(funcs, Function{Path: path, Line: start.Line, Name: funcName(fn), Lines: end.Line - start.Line + 1})
	}
	return funcs, nil
}

// funcName is Name for a function and Type.Name for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fn.Name.Name
		}
		return fn.Name.Name
	}
}
