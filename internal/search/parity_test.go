package search

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// The parity tests run the theme's search.js (in Node, without a browser)
// on the offline index of the fixture wiki and compare it with the server:
// the same folding, tokens and parsing, and the same top five.

func parityExport(t *testing.T) (*wiki, string, string) {
	t.Helper()
	requireNode(t)
	w := fixture(t)
	dir, ex := exportTo(t, w)
	return w, dir, ex.Main
}

// TestFoldParity: the script folds every character as the server does.
func TestFoldParity(t *testing.T) {
	t.Parallel()
	_, dir, main := parityExport(t)
	var in []string
	for r := rune(0x20); r <= 0x2FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF || !assigned(r) {
			continue
		}
		in = append(in, string(r))
	}
	in = append(in, "Información", "informacio\u0301n", "ΆΈΉ", "Straße", "ＦＵＬＬ", "Ёлка", "İstanbul")
	var got []string
	if err := json.Unmarshal(runEngine(t, dir, main, map[string]any{"op": "fold", "in": in})[0], &got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, s := range in {
		if want := foldString(s); got[i] != want {
			if bad++; bad <= 20 {
				t.Errorf("fold(%q U+%04X): script %q, server %q", s, []rune(s)[0], got[i], want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d characters fold differently", bad, len(in))
	}
}

// tokenSamples are texts whose words the script must split as bleve does.
var tokenSamples = []string{
	"plain words here", "e-mail and co-operation", "don't l'information dell'organizzazione",
	"v1.2 3.14 1,000 2024-01-05", "user@example.com https://example.org/a?b=c", "title:a x^2",
	"Привет, мир", "كلمات المرور القوية", "naïve café ÆØÅ", "#hashtag C++ foo_bar",
	"U.S.A. e.g.", "pass\u200dword", "\u202epassword\u202c", "ΆΈΉ tonos", "x—y–z", "“quoted” «angles»",
}

// cjkSamples split differently: bleve makes a word of each ideograph, the
// browser's segmenter finds words with a dictionary. Logged, not required.
var cjkSamples = []string{"日本語のテキスト", "中文分词", "한국어 문장"}

func TestTokenParity(t *testing.T) {
	t.Parallel()
	_, dir, main := parityExport(t)
	an := newTestAnalyzers(t)
	in := slices.Concat(tokenSamples, cjkSamples)
	var got [][]string
	if err := json.Unmarshal(runEngine(t, dir, main, map[string]any{"op": "tokens", "in": in})[0], &got); err != nil {
		t.Fatal(err)
	}
	for i, s := range in {
		var want []string
		for _, tok := range an.tokens.Analyze([]byte(s)) {
			want = append(want, s[tok.Start:tok.End])
		}
		if !slices.Equal(got[i], want) {
			if i >= len(tokenSamples) {
				t.Logf("tokens(%q): script %q, server %q (known difference)", s, got[i], want)
				continue
			}
			t.Errorf("tokens(%q): script %q, server %q", s, got[i], want)
		}
	}
}

func newTestAnalyzers(t *testing.T) *analyzers {
	t.Helper()
	im, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an, err := newAnalyzers(im.AnalyzerNamed)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

// parseSamples are queries the script must parse as the server does.
var parseSamples = []string{
	"threat model", "threat model ", `"threat model" workshop`, `“curly quotes”`, `"open quote`,
	"threat -encryption", `a -"b c"`, "-e-mail x", "e-mail", `in:Guides tag:"human rights" -lang:es x`,
	"TAG:x", "in: x", "Contraseña contraseña", "- x", "+plus title:a^2 b~ c*", "", " \t ",
	"pass\x00word\x1b[31m", "password \xff\xfe", `"a" "b c" -"d e" -f g`, "lang:", `tag:"unclosed x`,
	strings.Repeat("x", 1001), strings.Repeat("w ", 40), "!!! ???", `""`, "l'information", "mots de passe",
	"ΆΈΉ", "Ёлка", "🔐 password", "tag:a tag:b in:c/d lang:pt-BR",
}

func TestParseParity(t *testing.T) {
	t.Parallel()
	_, dir, main := parityExport(t)
	an := newTestAnalyzers(t)
	var got []struct {
		Parsed *Parsed `json:"parsed"`
		Error  string  `json:"error"`
	}
	if err := json.Unmarshal(runEngine(t, dir, main, map[string]any{"op": "parse", "in": parseSamples})[0], &got); err != nil {
		t.Fatal(err)
	}
	for i, q := range parseSamples {
		want, err := parse(an, q)
		var code string
		if qe, ok := err.(*QueryError); ok {
			code = qe.Code
		}
		switch {
		case code != "" || got[i].Error != "":
			if code != got[i].Error {
				t.Errorf("parse(%q): script error %q, server %q", q, got[i].Error, code)
			}
		default:
			js := Parsed{}
			if got[i].Parsed != nil {
				js = *got[i].Parsed
			}
			if !equalParsed(js, want) {
				t.Errorf("parse(%q):\nscript %+v\nserver %+v", q, js, want)
			}
		}
	}
}

// rankingSamples are the queries whose results the script must rank as
// the server does: the ranking tests' queries, in all three languages.
var rankingSamples = []string{
	"password", "passwords", "Password managers", "threat model", "THREAT MODEL", "encryption",
	"encrypted messages", "backups", "stolen laptop", "contraseña", "contrasenas", "CONTRASEÑAS",
	"politica", "políticas de seguridad", "informacion", "modelo amenazas", "cifrado", "politique",
	"politiques", "securite", "chiffrés", "mots de passe", "l'information", "menace",
	"threat -encryption", "password -manager", "disco -portátil", "-password",
	"passw", "encry", "threat mod", "contras", "chiffr",
	"pasword ", "passwrod ", "ecryption ", "bakups ", "travl ", "trvl ",
	"tag:accounts", "password -tag:accounts", "TAG:Planning threat", "tag:basics tag:travel",
	"disque in:fr", "in:guides encrypt", "lang:fr", "conversation", "conversation -lang:fr",
	"the", "the threat model", "welcome", "disk", "device", "groupe", "group",
}

func TestRankingParity(t *testing.T) {
	t.Parallel()
	w, dir, main := parityExport(t)
	var reqs []any
	for _, q := range rankingSamples {
		reqs = append(reqs, map[string]any{"op": "query", "q": q, "n": 5})
	}
	answers := runEngine(t, dir, main, reqs...)
	for i, q := range rankingSamples {
		var js struct {
			Total int `json:"total"`
			Pages []struct {
				URL string `json:"url"`
			} `json:"pages"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal(answers[i], &js); err != nil || js.Error != "" {
			t.Errorf("%q: script failed: %v %s", q, err, js.Error)
			continue
		}
		r := mustSearch(t, w.ix, Query{Text: q, PerPage: 10})
		var got []string
		for _, p := range js.Pages {
			got = append(got, strings.TrimSuffix(strings.TrimPrefix(p.URL, "../../"), "/"))
		}
		want := names(r)[:min(5, len(r.Hits))]
		if js.Total != r.Total || !sameRanking(got, want, r.Hits) {
			t.Errorf("%q: script %d %q, server %d %q", q, js.Total, got, r.Total, want)
		}
	}
}

// sameRanking compares a top five with the server's: at every rank, the
// page the script shows must score, on the server, the same as the page the
// server shows there, to within tieTolerance (the offline index keeps
// scores to about 0.03%, and sums them in another order). hits are the
// server's first ten, with their scores.
func sameRanking(got, want []string, hits []Hit) bool {
	const tieTolerance = 0.005
	if len(got) != len(want) {
		return false
	}
	score := map[string]float64{}
	for _, h := range hits {
		score[string(h.Page)] = h.Score
	}
	for i := range got {
		a, ok := score[got[i]]
		b := score[want[i]]
		if !ok || math.Abs(a-b) > tieTolerance*math.Max(a, b) {
			return false
		}
	}
	return true
}
