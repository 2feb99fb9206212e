package theme

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/gitwiki/gitwiki/themes"
)

// TestTemplateActions: every action a template links to is one of the
// Action constants, so a typo cannot hide a link silently.
func TestTemplateActions(t *testing.T) {
	lit := regexp.MustCompile(`\.Links\.Action\s+"([^"]*)"`)
	n := 0
	err := fs.WalkDir(themes.FS, "default/templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(themes.FS, name)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			n++
			if !slices.Contains(Actions, Action(m[1])) {
				t.Errorf("%s: unknown action %q", name, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("found only %d actions in the templates; the pattern is out of date", n)
	}
}
