package search

import "testing"

func TestSmoke(t *testing.T) {
	w := newWiki(t, map[string]string{
		"wiki.yaml":           "title: T\nlanguage: en\n",
		"index.md":            "# Home\nWelcome to the policies.\n",
		"Guides/Passwords.md": "---\ntags: [accounts]\n---\n# Passwords\n\n## Password managers\nUse a password manager. Policies matter.\n",
		"es/contrasenas.md":   "# Contraseñas\nLas políticas de contraseñas seguras.\n",
		"fr/politique.md":     "# Politique\nLes politiques de sécurité de l'information.\n",
	})
	w.sync()
	for _, q := range []string{"policy", "password", "contraseña", "politique", "passw", "passwort", "tag:accounts", "in:guides", `"politicas de contrasenas"`, "information", "password -manager"} {
		r := w.search(q)
		t.Logf("%q: total %d %v", q, r.Total, names(r))
		for _, h := range r.Hits {
			t.Logf("   %s %q %v %s %.4f", h.Page, h.Title, h.Crumbs, h.Snippet, h.Score)
		}
	}
}
