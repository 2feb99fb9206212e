package render

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFrontMatterEntriesGolden lists the entries of every block in
// testdata/fmentries/blocks.txtar.
func TestFrontMatterEntriesGolden(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "fmentries", "blocks.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	out := &txtar.Archive{Comment: a.Comment}
	for _, f := range a.Files {
		format := strings.TrimPrefix(filepath.Ext(f.Name), ".")
		entries, tables, err := FrontMatterEntries(format, f.Data)
		var b strings.Builder
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
		}
		for _, e := range entries {
			if !(e.Start <= e.Line && e.Line < e.End && e.End <= tables) {
				t.Errorf("%s: entry %q at %d, %d, %d, tables at %d: out of order", f.Name, e.Key, e.Start, e.Line, e.End, tables)
			}
			fmt.Fprintf(&b, "%s\ncomments %q\nentry %q\n", e.Key, f.Data[e.Start:e.Line], f.Data[e.Line:e.End])
		}
		if err == nil && tables < len(f.Data) {
			fmt.Fprintf(&b, "tables %q\n", f.Data[tables:])
		}
		out.Files = append(out.Files, txtar.File{Name: f.Name, Data: []byte(b.String())})
	}
	got := txtar.Format(out)
	golden := filepath.Join("testdata", "fmentries", "blocks.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("entries differ from %s (run go test -update and review the diff):\n%s", golden, lineDiff(string(want), string(got)))
	}
}

func TestFrontMatterEntriesRefused(t *testing.T) {
	tests := []struct {
		format, block string
		want          error
	}{
		{"yaml", "{a: 1}\n", ErrFrontMatterShape},
		{"yaml", "- a\n- b\n", ErrFrontMatterShape},
		{"yaml", "a: 1\na: 2\n", nil}, // a FrontMatterError
		{"yaml", "a: *x\n", nil},
		{"yaml", "a: [\n", nil},
		{"toml", "a = \n", nil},
		{"json", "{}", ErrFrontMatterShape},
	}
	for _, tc := range tests {
		_, _, err := FrontMatterEntries(tc.format, []byte(tc.block))
		var fe *FrontMatterError
		switch {
		case err == nil:
			t.Errorf("%s %q: no error", tc.format, tc.block)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s %q: %v, want %v", tc.format, tc.block, err, tc.want)
		case tc.want == nil && !errors.As(err, &fe):
			t.Errorf("%s %q: %v, want a FrontMatterError", tc.format, tc.block, err)
		}
	}
}
