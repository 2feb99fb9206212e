package search

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"testing"
)

// FuzzSearchQuery feeds untrusted queries, and page text, to Search: it must never
// panic, fail only with ErrBadQuery, and return snippets whose only markup is <mark>.
func FuzzSearchQuery(f *testing.F) {
	f.Add("informacion", "La información <b>es</b> poder.")
	f.Add(`"seguridad de la" +title:x^2 -y~ z*`, "Seguridad de la información & más")
	f.Add("<script>", "<script>alert(1)</script>")
	f.Add("mark", "</mark><mark>mark</mark>")
	f.Add("\xff\xfe", "\xff<\xfe>")

	fixed := []Doc{
		{Page: "", Version: "1", Lang: "en", Title: "Home", Text: "Welcome <home> & policies."},
		{Page: "es/a", Version: "1", Lang: "es", Title: "Información", Text: "Políticas de contraseñas <i>seguras</i>."},
	}
	ix := MustIndex(f, fixed...)
	f.Fuzz(func(t *testing.T, q, text string) {
		h := fnv.New64a()
		h.Write([]byte(text))
		doc := Doc{Page: "fuzz", Version: strconv.FormatUint(h.Sum64(), 16), Lang: "es", Title: text, Text: text, Tags: []string{text}}
		if _, _, _, err := ix.Sync(context.Background(), append(fixed[:len(fixed):len(fixed)], doc)); err != nil {
			t.Fatalf("Sync: %v", err)
		}
		hits, total, err := ix.Search(context.Background(), q, 5)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("Search(%q): %v", q, err)
			}
			return
		}
		if total < len(hits) {
			t.Errorf("total %d < %d hits", total, len(hits))
		}
		for _, hit := range hits {
			checkSnippet(t, string(hit.Snippet))
		}
	})
}
