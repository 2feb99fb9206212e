package site

import (
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestCatalogFiles: the content's _i18n/ catalogs are found, also after an
// edit elsewhere and after one adds the first of them.
func TestCatalogFiles(t *testing.T) {
	st, l := MustSite(t, map[string]string{"index.md": "# Home\n", "_i18n/es.toml": "[nav.home]\nother = \"Inicio\"\n"})
	files, err := st.CatalogFiles(ctx)
	if err != nil || len(files) != 1 || string(files["_i18n/es.toml"]) == "" {
		t.Fatalf("catalogs %v, %v", files, err)
	}
	commitFiles(t, l, "edit", store.FileWrite{Path: "index.md", Content: []byte("# Home\n\nMore.\n")})
	st, _ = l.Head(ctx)
	if files, _ := st.CatalogFiles(ctx); len(files) != 1 {
		t.Errorf("after an edit: %d catalogs", len(files))
	}
	plain, l2 := MustSite(t, map[string]string{"index.md": "# Home\n"})
	if files, _ := plain.CatalogFiles(ctx); len(files) != 0 {
		t.Errorf("a wiki without catalogs has %d", len(files))
	}
	commitFiles(t, l2, "add", store.FileWrite{Path: "_i18n/fr.toml", Content: []byte("[nav.home]\nother = \"Accueil\"\n")})
	st, _ = l2.Head(ctx)
	if files, _ := st.CatalogFiles(ctx); len(files) != 1 {
		t.Errorf("after adding one: %d catalogs", len(files))
	}
}
