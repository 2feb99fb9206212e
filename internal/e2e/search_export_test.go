package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/export"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/themes"
)

// searchQueries are what TestExportSearchBrowser asks both the export, in
// Chromium from file://, and the server's index. Three are one word, three
// are three words: their index downloads are held to the budgets.
var searchQueries = []struct {
	q     string
	words int
}{
	{"password", 1},
	{"sunli", 1},  // the made-up vocabulary's commonest word
	{"nelise", 1}, // a middling one
	{"seguridad", 1},
	{"password backup training", 3},
	{"sunli raremi lita", 3},
	{"información política contraseña", 3},
	{"threat -encryption", 0},
	{"tadap", 0}, // completed: "tadapo"
	{"tag:sunli", 0},
	{"nelise in:es", 0},
}

// Budgets of index bytes for a query, from the issue: these hold on a
// 10,000-page export (bench/search measures that); at 2,000 pages they
// hold with room.
const (
	oneWordBytes   = 100 << 10
	threeWordBytes = 300 << 10
)

// TestExportSearchBrowser builds a generated 2,000-page wiki's static
// export, opens its search page from file:// in headless Chromium
// (browser/search.mjs), and for each query checks that the results, their
// count and the top five match the server's search index on the same
// commit, and counts the bytes of index each query loads.
//
// The export and the index are built in this process: the server's side is
// the search package the server answers /-/search with.
func TestExportSearchBrowser(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)
	ctx := context.Background()
	tmp := t.TempDir()

	start := time.Now()
	loader := generatedWiki(t, filepath.Join(tmp, "wiki.git"), 2000)
	out := filepath.Join(tmp, "site")
	sub, err := fs.Sub(themes.FS, "default")
	if err != nil {
		t.Fatal(err)
	}
	th, err := theme.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := export.Build(ctx, export.Options{Loader: loader, Theme: th, Out: out})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	ix, err := search.Open(filepath.Join(tmp, "search"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	head, err := loader.Repo().Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Sync(ctx, loader, head); err != nil {
		t.Fatal(err)
	}
	t.Logf("2,000 pages generated, exported (%d pages, index %d bytes) and indexed in %s", rep.Pages, rep.SearchIndex, time.Since(start).Round(time.Millisecond))

	type want struct {
		Q      string    `json:"q"`
		Total  int       `json:"total"`
		Top    []string  `json:"top"` // the first ten page files, relative to the export
		Scores []float64 `json:"scores"`
		Max    int       `json:"maxBytes"`
	}
	var wants []want
	for _, sq := range searchQueries {
		r, err := ix.Search(ctx, search.Query{Text: sq.q, PerPage: 10})
		if err != nil {
			t.Fatalf("server search %q: %v", sq.q, err)
		}
		w := want{Q: sq.q, Total: r.Total}
		for _, h := range r.Hits {
			file := "index.html"
			if h.Page != "" {
				file = string(h.Page) + "/index.html"
			}
			w.Top = append(w.Top, file)
			w.Scores = append(w.Scores, h.Score)
		}
		switch sq.words {
		case 1:
			w.Max = oneWordBytes
		case 3:
			w.Max = threeWordBytes
		}
		if r.Total == 0 {
			t.Fatalf("server search %q found nothing: the corpus lost its words", sq.q)
		}
		wants = append(wants, w)
	}
	file := filepath.Join(tmp, "queries.json")
	b, _ := json.Marshal(wants)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	runBrowserScript(t, dir, "search.mjs", nil, out, file, shots)
}

// generatedWiki commits n generated pages to a new repository: English
// pages in twenty folders and Spanish ones under es/, with words from a
// made-up vocabulary drawn Zipf-like, so some are rare and some everywhere,
// besides real words in both languages.
func generatedWiki(tb testing.TB, dir string, n int) *site.Loader {
	tb.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	syll := []string{"ka", "lo", "mi", "ta", "re", "sun", "po", "li", "ne", "to", "ra", "se", "vi", "da", "mu"}
	vocab := make([]string, 3000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	en := strings.Fields("password backup training threat encryption device phone laptop account network policy meeting group risk plan update browser server")
	es := strings.Fields("contraseña seguridad información política copia amenaza cifrado dispositivo cuenta reunión grupo riesgo plan")
	zipf := rand.NewZipf(r, 1.2, 4, uint64(len(vocab)-1))
	text := func(real []string, k int) string {
		ws := make([]string, k)
		for i := range ws {
			if r.IntN(6) == 0 {
				ws[i] = real[r.IntN(len(real))]
			} else {
				ws[i] = vocab[zipf.Uint64()]
			}
		}
		return strings.Join(ws, " ")
	}
	files := fstest.MapFS{
		"wiki.yaml": {Data: []byte("title: Generated\nlanguage: en\nlanguages: [en, es]\n")},
		"index.md":  {Data: []byte("# Generated\nA generated wiki.\n")},
	}
	for i := range n {
		real, folder := en, fmt.Sprintf("s%02d", i%20)
		if i%10 >= 7 {
			real, folder = es, "es/"+folder
		}
		title := text(real, 2+r.IntN(3))
		body := fmt.Sprintf("---\ntitle: %q\ntags: [%s]\n---\n%s.\n\n## %s\n\n%s.\n\n## %s\n\n%s.\n",
			title, vocab[zipf.Uint64()], text(real, 60), text(real, 3), text(real, 80), text(real, 3), text(real, 60))
		if i%97 == 0 {
			body += "\nThe threat model and its encryption.\n"
		}
		if i%89 == 0 {
			body += "\nAnother threat, no cipher here.\n"
		}
		files[fmt.Sprintf("%s/p%04d.md", folder, i)] = &fstest.MapFile{Data: []byte(body)}
	}
	repo, err := store.Init(dir, "main", files, store.Signature{Name: "t", Email: "t@x", When: time.Unix(1700000000, 0)}, "generated")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	l, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	return l
}
