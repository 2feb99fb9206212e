package search

import "testing"

func TestParityTry(t *testing.T) {
	w := newWiki(t, fixtureWiki)
	w.sync()
	dir, ex := exportTo(t, w)
	t.Logf("export: %d files, %d bytes, main %s", len(ex.Files), ex.Bytes, ex.Main)
	qs := []string{"password", "passw", "passwort", "threat model", "threat -encryption", "encryption", "contraseña", "politique", "informacion", "tag:accounts", "in:guides password", "lang:fr", "mots de passe", "the", "-password", "ecryption", "modelo amenazas"}
	var reqs []any
	for _, q := range qs {
		reqs = append(reqs, map[string]any{"op": "query", "q": q, "n": 5})
	}
	res := runEngine(t, dir, ex.Main, reqs...)
	for i, q := range qs {
		r := w.search(q)
		t.Logf("%q server %d %v\n   js %s", q, r.Total, names(r)[:min(5, len(r.Hits))], res[i])
	}
}
