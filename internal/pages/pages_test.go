package pages

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

var ctx = context.Background()

var wikiBot = store.Signature{Name: "Wiki", Email: "wiki@invalid"}

// MustService makes a Service over a real repository in a temp dir.
func MustService(tb testing.TB, files map[string]string) (*Service, *store.Repo) {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	repo, err := store.Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, store.Signature{Name: "init", Email: "i@x", When: time.Now()}, "init")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	loader, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	return New(loader, wikiBot), repo
}

func head(tb testing.TB, r *store.Repo) store.Hash {
	tb.Helper()
	h, err := r.ResolveRef(ctx, "refs/heads/main")
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func read(tb testing.TB, r *store.Repo, path string) string {
	tb.Helper()
	b, _, _, err := r.ReadFileAt(ctx, head(tb, r), path, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestIdentity(t *testing.T) {
	cases := []struct {
		name, email string
		want        store.Signature
		bad         bool
	}{
		{"", "", Anonymous, false},
		{"Ana", "", store.Signature{Name: "Ana", Email: "anonymous@invalid"}, false},
		{"", "ana@example.org", store.Signature{Name: "Anonymous", Email: "ana@example.org"}, false},
		{"  Ana <x>  ", "ana@example.org", store.Signature{Name: "Ana x", Email: "ana@example.org"}, false},
		{"Ana\nEvil: x", "", store.Signature{}, true},
		{"Ana", "a@b.c\nX", store.Signature{}, true},
		{"Ana", "not an email", store.Signature{}, true},
		{"Ana", "Ana <ana@example.org>", store.Signature{}, true},
		{strings.Repeat("x", 101), "", store.Signature{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name+"|"+tc.email, func(t *testing.T) {
			got, err := Identity(tc.name, tc.email)
			if tc.bad {
				var p *Problem
				if !errors.As(err, &p) || p.Kind != Invalid {
					t.Fatalf("got %v, %v; want a 400 Problem", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	cases := []struct {
		name, in, want string
		kind           Kind
	}{
		{"crlf", "a\r\nb\rc", "a\nb\nc", 0},
		{"tab kept", "a\tb", "a\tb", 0},
		{"bom dropped", "\ufeffa", "a", 0},
		{"nul", "a\x00b", "", Invalid},
		{"escape", "a\x1b[31m", "", Invalid},
		{"c1", "a\u0085b", "", Invalid},
		{"invalid utf8", "a\xffb", "", Invalid},
		{"too large", strings.Repeat("a", MaxPageBytes+1), "", TooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cleanText("content", tc.in, MaxPageBytes)
			if tc.kind != 0 {
				var p *Problem
				if !errors.As(err, &p) || p.Kind != tc.kind {
					t.Fatalf("got %v; want kind %d", err, tc.kind)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSetTitleRoundTrips(t *testing.T) {
	r := render.New(render.Config{})
	titles := []string{"Plain", "Colon: here", "Hash # here", `Quotes "double" and 'single'`, "- dash first", "[brackets]", "yes", "123", "Ünïcode ✓", "a: b #c"}
	srcs := []string{
		"Body\n",
		"---\ntitle: Old\nweight: 3 # keep me\ncustom_key: [a, b]\n---\nBody\n",
		"---\n---\nBody\n",
		"+++\ntitle = \"Old\"\nweight = 2\n+++\nBody\n",
	}
	for _, src := range srcs {
		for _, title := range titles {
			out, err := setTitle([]byte(src), title)
			if err != nil {
				t.Fatalf("setTitle(%q, %q): %v", src, title, err)
			}
			fm, body, err := render.ParseFrontMatter(out)
			if err != nil || fm.Title != title || string(body) != "Body\n" {
				t.Fatalf("setTitle(%q, %q) = %q: title %q, body %q, err %v", src, title, out, fm.Title, body, err)
			}
			if got := r.Summarize(out, "x.md").Title; got != title {
				t.Fatalf("summary title %q, want %q", got, title)
			}
			if strings.Contains(src, "custom_key") && (!strings.Contains(string(out), "custom_key") || !strings.Contains(string(out), "# keep me")) {
				t.Fatalf("unknown key or comment lost: %q", out)
			}
			if strings.Contains(src, "weight") && fm.Weight == 0 {
				t.Fatalf("weight lost: %q", out)
			}
		}
	}
}

func submit(tb testing.TB, s *Service, sub Submission) (*Result, error) {
	tb.Helper()
	p, err := s.Prepare(ctx, sub)
	if err != nil {
		return nil, err
	}
	return s.Commit(ctx, p)
}

func TestPrepareRejects(t *testing.T) {
	s, repo := MustService(t, map[string]string{"a.md": "# A\n"})
	base := head(t, repo).String()
	bomb := "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\nx\n"
	deep := "---\nx: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n---\nx\n"
	cases := []struct {
		name  string
		sub   Submission
		field string
	}{
		{"nul", Submission{Page: "a", Content: "a\x00", Base: base}, "content"},
		{"bad front matter", Submission{Page: "a", Content: "---\ntitle: [x\n---\n", Base: base}, "content"},
		{"alias bomb", Submission{Page: "a", Content: bomb, Base: base}, "content"},
		{"deep", Submission{Page: "a", Content: deep, Base: base}, "content"},
		{"unknown base", Submission{Page: "a", Content: "x", Base: strings.Repeat("1", 40)}, "base"},
		{"junk base", Submission{Page: "a", Content: "x", Base: "HEAD"}, "base"},
		{"empty base", Submission{Page: "a", Content: "x"}, "base"},
		{"path dotdot", Submission{Page: "../x", Content: "x", Base: base}, "path"},
		{"path git", Submission{Page: ".git/x", Content: "x", Base: base}, "path"},
		{"path dash", Submission{Page: "-/x", Content: "x", Base: base}, "path"},
		{"name newline", Submission{Page: "a", Content: "x", Base: base, Name: "a\nb"}, "name"},
		{"multi-line summary", Submission{Page: "a", Content: "x", Base: base, Summary: "a\nb"}, "summary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Prepare(ctx, tc.sub)
			var p *Problem
			if !errors.As(err, &p) || p.Field != tc.field || p.Kind == 0 {
				t.Fatalf("got %v; want a 4xx Problem on %q", err, tc.field)
			}
		})
	}
	if head(t, repo).String() != base {
		t.Fatal("a rejected submission moved the branch")
	}
}

func TestCommitMergesAndConflicts(t *testing.T) {
	orig := "# Page\n\nfirst line\n\nmiddle\n\nlast line\n"
	s, repo := MustService(t, map[string]string{"p.md": orig})
	base := head(t, repo).String()
	res, err := submit(t, s, Submission{Page: "p", Content: strings.Replace(orig, "first line", "first line, edited", 1), Base: base, Summary: "one", Name: "Ana"})
	if err != nil || res.Merged {
		t.Fatalf("first edit: %+v %v", res, err)
	}
	res, err = submit(t, s, Submission{Page: "p", Content: strings.Replace(orig, "last line", "last line, edited", 1), Base: base, Summary: "two"})
	if err != nil || !res.Merged {
		t.Fatalf("second edit from the same base should merge: %+v %v", res, err)
	}
	if got := read(t, repo, "p.md"); !strings.Contains(got, "first line, edited") || !strings.Contains(got, "last line, edited") {
		t.Fatalf("merge lost an edit:\n%s", got)
	}
	_, err = submit(t, s, Submission{Page: "p", Content: strings.Replace(orig, "first line", "first line, rival", 1), Base: base})
	var c *Conflict
	if !errors.As(err, &c) {
		t.Fatalf("got %v, want a Conflict", err)
	}
	if !strings.Contains(c.Merged, "first line, rival") || !strings.Contains(c.Merged, "first line, edited") || c.Head != head(t, repo) {
		t.Fatalf("conflict lacks a side:\n%s", c.Merged)
	}
	// The same text again is no change.
	res, err = submit(t, s, Submission{Page: "p", Content: read(t, repo, "p.md"), Base: head(t, repo).String()})
	if err != nil || !res.NoChange {
		t.Fatalf("identical edit: %+v %v", res, err)
	}
	// A new page, then another creation of the same page from an old base.
	if _, err := submit(t, s, Submission{Page: "New/Page", Title: "Title: with colon", Content: "Body\n", Base: base}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, repo, "New/Page.md"); !strings.HasPrefix(got, "---\ntitle: 'Title: with colon'\n---\n") && !strings.HasPrefix(got, "---\ntitle: \"Title: with colon\"\n---\n") {
		t.Fatalf("new page:\n%s", got)
	}
	if _, err := submit(t, s, Submission{Page: "New/Page", Content: "Other body\n", Base: base}); !errors.As(err, &c) {
		t.Fatalf("racing creation: got %v, want a Conflict", err)
	}
}

// TestConcurrentEdits runs 50 writers from one stale base: some edit
// different sections of one page, some the same line, some other pages.
// Every edit must end committed or reported as a conflict, and the
// repository must pass git fsck --strict.
func TestConcurrentEdits(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Shared\n\nhot line\n")
	for i := range 20 {
		fmt.Fprintf(&b, "\n## Section %d\n\nsection %d: original\n", i, i)
	}
	orig := b.String()
	files := map[string]string{"shared.md": orig}
	for i := 30; i < 50; i++ {
		files[fmt.Sprintf("p%d.md", i)] = fmt.Sprintf("page %d\n", i)
	}
	s, repo := MustService(t, files)
	base := head(t, repo).String()

	type outcome struct {
		res *Result
		err error
	}
	out := make([]outcome, 50)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var sub Submission
			switch {
			case i < 20:
				sub = Submission{Page: "shared", Content: strings.Replace(orig, fmt.Sprintf("section %d: original", i), fmt.Sprintf("section %d: edited by %d", i, i), 1)}
			case i < 30:
				sub = Submission{Page: "shared", Content: strings.Replace(orig, "hot line", fmt.Sprintf("hot line by %d", i), 1)}
			default:
				sub = Submission{Page: wikipath.Page(fmt.Sprintf("p%d", i)), Content: fmt.Sprintf("page %d, edited\n", i)}
			}
			sub.Base, sub.Name, sub.Summary = base, fmt.Sprintf("Writer %d", i), fmt.Sprintf("edit %d", i)
			p, err := s.Prepare(ctx, sub)
			if err != nil {
				out[i] = outcome{nil, err}
				return
			}
			res, err := s.Commit(ctx, p)
			out[i] = outcome{res, err}
		}()
	}
	close(start)
	wg.Wait()

	shared := read(t, repo, "shared.md")
	hotWinners := 0
	for i, o := range out {
		var c *Conflict
		switch {
		case o.err == nil:
			switch {
			case i < 20 && !strings.Contains(shared, fmt.Sprintf("section %d: edited by %d", i, i)):
				t.Errorf("writer %d was acknowledged but its section edit is missing", i)
			case i >= 20 && i < 30:
				if !strings.Contains(shared, fmt.Sprintf("hot line by %d\n", i)) {
					t.Errorf("writer %d was acknowledged but its line is missing", i)
				}
				hotWinners++
			case i >= 30 && read(t, repo, fmt.Sprintf("p%d.md", i)) != fmt.Sprintf("page %d, edited\n", i):
				t.Errorf("writer %d's page edit is missing", i)
			}
		case errors.As(o.err, &c):
			if i < 20 || i >= 30 {
				t.Errorf("writer %d: unexpected conflict", i)
			}
			if !strings.Contains(c.Merged, fmt.Sprintf("hot line by %d", i)) {
				t.Errorf("writer %d: conflict does not keep the writer's text", i)
			}
		default:
			t.Errorf("writer %d: %v", i, o.err)
		}
	}
	if hotWinners != 1 {
		t.Errorf("%d writers of the same line were committed, want exactly 1", hotWinners)
	}
	if _, err := exec.LookPath("git"); err == nil {
		cmd := exec.Command("git", "fsck", "--strict", "--no-dangling")
		cmd.Dir = repo.GitDir()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git fsck: %v\n%s", err, out)
		}
		cmd = exec.Command("git", "rev-list", "--count", "main")
		cmd.Dir = repo.GitDir()
		n, _ := cmd.Output()
		if got := strings.TrimSpace(string(n)); got != "42" {
			t.Errorf("main has %s commits, want 42 (init + 20 sections + 1 hot line + 20 pages)", got)
		}
	}
}

// TestSectionsFromOneBase: six people edit six sections of one page from
// the same base; the page ended with a blank line, which the first save
// trims. Every edit merges (hardening item 19).
func TestSectionsFromOneBase(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Shared\r\n")
	for i := range 6 {
		fmt.Fprintf(&b, "\r\n## Section %d\r\n\r\nsection %d: original\r\n", i, i)
	}
	b.WriteString("\r\n\r\n")
	orig := b.String()
	s, repo := MustService(t, map[string]string{"shared.md": orig})
	base := head(t, repo).String()
	for i := range 6 {
		edit := strings.ReplaceAll(orig, "\r\n", "\n")
		edit = strings.Replace(edit, fmt.Sprintf("section %d: original", i), fmt.Sprintf("section %d: edited", i), 1)
		p, err := s.Prepare(ctx, Submission{Page: "shared", Content: edit, Base: base})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(ctx, p); err != nil {
			t.Fatalf("edit of section %d: %v", i, err)
		}
	}
	got, _, _, err := repo.ReadFileAt(ctx, head(t, repo), "shared.md", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if !strings.Contains(string(got), fmt.Sprintf("section %d: edited", i)) {
			t.Errorf("section %d's edit is missing:\n%s", i, got)
		}
	}
}
