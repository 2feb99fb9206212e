package search

import "testing"

func TestSmoke(t *testing.T) {
	w := newWiki(t, fixtureWiki)
	w.sync()
	for _, q := range []string{"password", "passwords", "passw", "passwort", "threat model", "threat -encryption", "encryption", "encrypt", "contraseña", "contrasena", "politique", "politica", "informacion", "information", "tag:accounts", "in:guides password", "lang:fr", "seguridad lang:es", "\"threat model\"", "the", "mots de passe", "chiffrés", "sauvegarde", "backup", "backups encryption", "ecryption", "modelo amenazas", "gestor", "-password", "password -tag:accounts"} {
		r := w.search(q)
		t.Logf("%q: total %d %v prefix=%v", q, r.Total, names(r), r.Query.Prefix)
		for i, h := range r.Hits {
			if i < 3 {
				t.Logf("   %s %s %g", h.Page, h.Snippet, h.Score)
			}
		}
	}
}
