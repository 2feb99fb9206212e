package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Size limits of the house style (../shared/STYLE.md): no function over
// about 80 lines, and no handler file over about 150. A handler file is a
// file of internal/web holding a function that takes a ResponseWriter and
// a Request and returns an error (a route handler).
const (
	maxFuncLines    = 80
	maxHandlerLines = 150
)

// longFuncs are the functions allowed past the limit, each with the reason.
var longFuncs = map[string]string{}

// longHandlerFiles are the handler files allowed past the limit.
var longHandlerFiles = map[string]string{}

func TestSizes(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		handler := false
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			handler = handler || isHandler(fd)
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			key := rel + ":" + fd.Name.Name
			if _, ok := longFuncs[key]; n > maxFuncLines && !ok {
				t.Errorf("%s is %d lines long; split it (at most %d) or list it in longFuncs with the reason", key, n, maxFuncLines)
			}
		}
		if lines := fset.Position(f.End()).Line; handler && strings.HasPrefix(rel, "internal/web/") && lines > maxHandlerLines && longHandlerFiles[rel] == "" {
			t.Errorf("handler file %s is %d lines long (at most %d)", rel, lines, maxHandlerLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isHandler reports whether fd is a route handler: it takes
// (http.ResponseWriter, *http.Request) and returns an error.
func isHandler(fd *ast.FuncDecl) bool {
	if res := fd.Type.Results; res == nil || len(res.List) != 1 {
		return false
	} else if id, ok := res.List[0].Type.(*ast.Ident); !ok || id.Name != "error" {
		return false
	}
	var names int
	for _, p := range fd.Type.Params.List {
		names += max(len(p.Names), 1)
	}
	if names != 2 {
		return false
	}
	sel, ok := fd.Type.Params.List[0].Type.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "ResponseWriter"
}
