package site

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

func write(path, content string) store.FileWrite {
	return store.FileWrite{Path: path, Content: []byte(content)}
}

// rowOf is a page's own translation row at the head.
func rowOf(t *testing.T, l *Loader, name wikipath.Page) (*Site, *TranslationState, Translation) {
	t.Helper()
	st, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := st.TranslationStatus(ctx, mustPage(t, st, name))
	if err != nil {
		t.Fatal(err)
	}
	if ts.Self == nil {
		t.Fatalf("%s: no row of its own; state %+v", name, ts)
	}
	return st, ts, *ts.Self
}

// want is what a row must say; From and To are checked by the callers that
// know the commits.
type want struct {
	status            Status
	commits, add, del int
	inferred          bool
	problem           string
}

func check(t *testing.T, name wikipath.Page, got Translation, w want) {
	t.Helper()
	if got.Status != w.status || got.Commits != w.commits || got.Added != w.add || got.Deleted != w.del || got.Inferred != w.inferred {
		t.Errorf("%s: got %v, %d commits, +%d −%d, inferred %v; want %v, %d commits, +%d −%d, inferred %v",
			name, got.Status, got.Commits, got.Added, got.Deleted, got.Inferred, w.status, w.commits, w.add, w.del, w.inferred)
	}
	if !strings.Contains(got.Problem, w.problem) || (w.problem == "") != (got.Problem == "") {
		t.Errorf("%s: problem %q, want one with %q", name, got.Problem, w.problem)
	}
}

const intro = "# Intro\n\none\ntwo\nthree\n"

// TestTranslationStatusLifecycle follows one translation through the SDA
// layout (en/ and es/, no wiki.yaml): up to date, outdated after source
// edits, fixed by saving with translationOf, outdated again, and fixed by an
// edit without translationOf, inferred from history.
func TestTranslationStatusLifecycle(t *testing.T) {
	st, l := MustSite(t, map[string]string{"en/intro.md": intro, "es/intro.md": "# Introducción\n\nuno\n"})
	init := st.Commit
	_, _, row := rowOf(t, l, "es/intro")
	check(t, "es/intro at the start", row, want{status: UpToDate, inferred: true})
	if row.From != init || row.To != init {
		t.Errorf("from %s to %s, want both %s", row.From.Short(), row.To.Short(), init.Short())
	}

	c1 := commitFiles(t, l, "source: change a line, add two", write("en/intro.md", "# Intro\n\none\nTWO\nthree\nfour\nfive\n"))
	commitFiles(t, l, "unrelated", write("en/other.md", "x\n"))
	c3 := commitFiles(t, l, "source: drop a line", write("en/intro.md", "# Intro\n\none\nTWO\nfour\nfive\n"))
	_, _, row = rowOf(t, l, "es/intro")
	// From the first version to the last: "two", "three" out; "TWO", "four", "five" in.
	check(t, "es/intro after two source edits", row, want{status: Outdated, commits: 2, add: 3, del: 2, inferred: true})
	if row.From != init || row.To != c3 {
		t.Errorf("diff %s..%s, want %s..%s", row.From.Short(), row.To.Short(), init.Short(), c3.Short())
	}

	// The translator caught up with c1 only, and says so.
	commitFiles(t, l, "translate up to c1", write("es/intro.md", fmt.Sprintf("---\ntranslationOf: %q\n---\n# Introducción\n\nuno\nDOS\n", c1.Short())))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro following c1", row, want{status: Outdated, commits: 1, add: 0, del: 1})
	if row.From != c1 || row.To != c3 {
		t.Errorf("diff %s..%s, want %s..%s", row.From.Short(), row.To.Short(), c1.Short(), c3.Short())
	}

	// Saved by the editor with the source's current commit.
	commitFiles(t, l, "translate up to c3", write("es/intro.md", fmt.Sprintf("---\ntranslationOf: %q\n---\n# Introducción\n", c3)))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro following c3", row, want{status: UpToDate})

	// One commit fixing both versions brings the translation along, though
	// its translationOf still names c3.
	both := commitFiles(t, l, "typo in both", write("en/intro.md", "# Intro\n\none\nTWO\nfour\nfive!\n"),
		write("es/intro.md", fmt.Sprintf("---\ntranslationOf: %q\n---\n# Introducción!\n", c3)))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro fixed with its source", row, want{status: UpToDate})
	if row.From != both {
		t.Errorf("follows %s, want %s", row.From.Short(), both.Short())
	}

	c5 := commitFiles(t, l, "source again", write("en/intro.md", "# Intro\n\nall new\n"))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro after another source edit", row, want{status: Outdated, commits: 1, add: 1, del: 4})
	if row.From != both || row.To != c5 {
		t.Errorf("diff %s..%s, want %s..%s", row.From.Short(), row.To.Short(), both.Short(), c5.Short())
	}

	// An edit without translationOf: history says it follows c5.
	commitFiles(t, l, "translate, by hand", write("es/intro.md", "# Introducción\n\ntodo nuevo\n"))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro edited after the source", row, want{status: UpToDate, inferred: true})
	if row.From != c5 {
		t.Errorf("follows %s, want %s", row.From.Short(), c5.Short())
	}

	// A source edited and edited back is what the translator read.
	commitFiles(t, l, "source: typo", write("en/intro.md", "# Intro\n\nall nwe\n"))
	commitFiles(t, l, "source: typo fixed", write("en/intro.md", "# Intro\n\nall new\n"))
	_, _, row = rowOf(t, l, "es/intro")
	check(t, "es/intro after a reverted edit", row, want{status: UpToDate, inferred: true})
}

// TestTranslationOfProblems: a translationOf that cannot be used is a
// warning, and the status falls back to history.
func TestTranslationOfProblems(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   func(l *Loader, init store.Hash) string // init has no en/intro.md
		problem string
	}{
		{"no such commit", func(*Loader, store.Hash) string { return `"deadbeefdeadbeef"` }, "names no commit"},
		{"full id of no commit", func(*Loader, store.Hash) string { return `"` + strings.Repeat("ab", 20) + `"` }, "names no commit"},
		{"not hex", func(*Loader, store.Hash) string { return `"main"` }, "is not a commit id"},
		{"a number", func(*Loader, store.Hash) string { return `12345678` }, "is not a commit id"},
		{"a commit without the source", func(_ *Loader, init store.Hash) string { return fmt.Sprintf("%q", init) }, "does not contain en/intro.md"},
		{"a commit outside the history", func(l *Loader, _ store.Hash) string {
			// A proposal's commit, never merged.
			head, _ := l.HeadCommit(ctx)
			sig := store.Signature{Name: "t", Email: "t@x"}
			c, err := l.Repo().WriteCommit(ctx, head, []store.FileWrite{write("en/intro.md", "proposed\n")}, store.CommitInfo{Author: sig, Committer: sig, Message: "proposal"})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%q", c)
		}, "not in this wiki's history"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, l := MustSite(t, map[string]string{"index.md": "# Home\n"})
			commitFiles(t, l, "source and translation", write("en/intro.md", intro), write("es/intro.md", "# Introducción\n"))
			commitFiles(t, l, "translationOf", write("es/intro.md", "---\ntranslationOf: "+tc.value(l, st.Commit)+"\n---\n# Introducción\n"))
			commitFiles(t, l, "source edit", write("en/intro.md", intro+"four\n"))
			st, ts, row := rowOf(t, l, "es/intro")
			// Inferred: the translation's last change followed the first version.
			check(t, "es/intro", row, want{status: Outdated, commits: 1, add: 1, inferred: true, problem: tc.problem})
			if len(ts.Findings) != 1 || ts.Findings[0].Kind != FindingTranslationOf || ts.Findings[0].File != "es/intro.md" {
				t.Errorf("page findings %+v", ts.Findings)
			}
			r, err := st.TranslationReport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Findings) != 1 || !strings.Contains(r.Findings[0].String(), "es/intro.md: warning: translationOf") {
				t.Errorf("report findings %+v", r.Findings)
			}
		})
	}
}

// TestTranslationOfAbbreviated: a short commit id, as git log prints it.
func TestTranslationOfAbbreviated(t *testing.T) {
	st, l := MustSite(t, map[string]string{"en/intro.md": intro, "es/intro.md": "# Introducción\n"})
	c := commitFiles(t, l, "follow", write("es/intro.md", "---\ntranslationOf: '"+st.Commit.String()[:7]+"'\n---\n# Introducción\n"))
	_, _, row := rowOf(t, l, "es/intro")
	check(t, "es/intro", row, want{status: UpToDate})
	if row.From != st.Commit || row.To != st.Commit {
		t.Errorf("from %s to %s, want %s (not %s)", row.From.Short(), row.To.Short(), st.Commit.Short(), c.Short())
	}
}

// TestTranslationReport: languages mapped to folders in wiki.yaml with the
// source at the root, a page first written in Spanish, a language whose
// folder is found by its name, and languages that lack translations.
func TestTranslationReport(t *testing.T) {
	_, l := MustSite(t, map[string]string{
		"wiki.yaml":                  "language: en\nlanguages:\n  - en\n  - {code: es, folder: espanol, name: Español}\n  - {code: fr, folder: francais}\n  - ar\n",
		"index.md":                   "# Home\n",
		"Guides/Backups.md":          "# Backups\n\nKeep two copies.\n",
		"espanol/index.md":           "# Inicio\n",
		"espanol/Guides/Backups.md":  "# Copias\n\nGuarda dos copias.\n",
		"francais/Guides/Backups.md": "# Sauvegardes\n",
		"espanol/Solo.md":            "---\ntranslationKey: solo\n---\n# Solo en español\n",
		"Solo.md":                    "---\ntranslationKey: solo\ntranslationOf: \"0000\"\n---\n# Only in Spanish first\n",
		"_Sidebar.md":                "[[Home]]\n",
		"ar/notes.md":                "# ar/ is Arabic: the folder is named like the language\n",
	})
	commitFiles(t, l, "backups: three copies", write("Guides/Backups.md", "# Backups\n\nKeep three copies.\nOne offsite.\n"))
	commitFiles(t, l, "translate backups to French", write("francais/Guides/Backups.md", "# Sauvegardes\n\nTrois copies.\n"))
	commitFiles(t, l, "solo: more", write("espanol/Solo.md", "---\ntranslationKey: solo\n---\n# Solo en español\n\nMás.\n"))
	st, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Lang(mustPage(t, st, "ar/notes")); got != "ar" {
		t.Errorf("ar/notes is in %q", got)
	}
	r, err := st.TranslationReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, lr := range r.Languages {
		var b strings.Builder
		fmt.Fprintf(&b, "%s:", lr.Language.Code)
		for _, x := range lr.UpToDate {
			fmt.Fprintf(&b, " ok %s;", x.Page.Name)
		}
		for _, x := range lr.Outdated {
			fmt.Fprintf(&b, " %s behind by %d (+%d −%d);", x.Page.Name, x.Commits, x.Added, x.Deleted)
		}
		for _, x := range lr.Missing {
			fmt.Fprintf(&b, " missing %q;", x.Source.Name)
		}
		got = append(got, b.String())
	}
	wantReport := []string{
		`ar: missing ""; missing "Guides/Backups"; missing "espanol/Solo";`,
		// Solo's original is Spanish: the English one names what it follows.
		`en: Solo behind by 1 (+2 −0);`,
		`es: ok espanol; espanol/Guides/Backups behind by 1 (+2 −1);`,
		`fr: ok francais/Guides/Backups; missing ""; missing "espanol/Solo";`,
	}
	if strings.Join(got, "\n") != strings.Join(wantReport, "\n") {
		t.Errorf("report:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantReport, "\n"))
	}
	if r.Languages[2].Language.Name != "Español" || r.SourceLang != "en" || r.Commit != st.Commit {
		t.Errorf("report header: %+v", r)
	}
	var lines []string
	for _, w := range r.Warnings() {
		lines = append(lines, w.String())
	}
	wantLines := []string{
		`Guides/Backups.md: warning: no ar translation`,
		`Solo.md: warning: translationOf 0000 names no commit of this wiki`,
		`Solo.md: warning: the en translation is 1 change behind espanol/Solo.md (+2 −0 lines)`,
		`espanol/Guides/Backups.md: warning: the es translation is 1 change behind Guides/Backups.md (+2 −1 lines)`,
		`espanol/Solo.md: warning: no ar translation`,
		`espanol/Solo.md: warning: no fr translation`,
		`index.md: warning: no ar translation`,
		`index.md: warning: no fr translation`,
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}

	// The source's own state lists every language, missing ones included.
	ts, err := st.TranslationStatus(ctx, mustPage(t, st, "Guides/Backups"))
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, x := range ts.Translations {
		langs = append(langs, x.Lang+" "+x.Status.String())
	}
	if ts.Self != nil || ts.Source == nil || ts.Source.Name != "Guides/Backups" || strings.Join(langs, ", ") != "ar missing, es outdated, fr up to date" {
		t.Errorf("source state: self %v, source %v, %q", ts.Self, ts.Source, langs)
	}
	// A page without translations or a source has nothing to show.
	ts, err = st.TranslationStatus(ctx, mustPage(t, st, "ar/notes"))
	if err != nil || ts.Source != nil || ts.Self != nil || len(ts.Translations) != 0 || ts.Lang != "ar" {
		t.Errorf("lone page: %+v, %v", ts, err)
	}
}

// TestTranslationStatusIsShared: concurrent readers of one site share the
// work and agree; the race detector watches the caches.
func TestTranslationStatusIsShared(t *testing.T) {
	_, l := MustSite(t, map[string]string{"en/a.md": "a\n", "es/a.md": "a\n", "en/b.md": "b\n", "fr/b.md": "b\n"})
	commitFiles(t, l, "edit", write("en/a.md", "a\nb\n"))
	st, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	reports := make([]*TranslationReport, 6)
	states := make([]*TranslationState, 6)
	for i := range reports {
		wg.Add(2)
		go func() {
			defer wg.Done()
			reports[i], _ = st.TranslationReport(ctx)
		}()
		go func() {
			defer wg.Done()
			states[i], _ = st.TranslationStatus(ctx, mustPage(t, st, "es/a"))
		}()
	}
	wg.Wait()
	for i := range reports {
		if reports[i] == nil || reports[i] != reports[0] {
			t.Fatalf("report %d: %p, want the shared %p", i, reports[i], reports[0])
		}
		if states[i] == nil || states[i].Self == nil || states[i].Self.Status != Outdated {
			t.Fatalf("state %d: %+v", i, states[i])
		}
	}
}
