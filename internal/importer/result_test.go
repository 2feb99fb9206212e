package importer

import (
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"About+this+initiative", "about-this-initiative"},
		{"About this initiative", "about-this-initiative"},
		{"Learn about organisation's risk, threats, and concerns", "learn-about-organisations-risk-threats-and-concerns"},
		{"Create space, trust and buy-In", "create-space-trust-and-buy-in"},
		{"Monitoring and Evaluation Framework  for Organisational Security", "monitoring-and-evaluation-framework-for-organisational-security"},
		{"Política de protección", "política-de-protección"},
		{"¿Qué?", "qué"},
		{"!!!", "page"},
		{"../../etc/passwd", "etc-passwd"},
		{".git", "git"},
	} {
		if got := Slug(tc.in); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if n := len([]rune(Slug(strings.Repeat("word ", 100)))); n > 90 {
		t.Errorf("a long title slugs to %d characters", n)
	}
}

func TestNames(t *testing.T) {
	n := NewNames("taken.md")
	for _, tc := range []struct{ in, want string }{
		{"a.md", "a.md"}, {"A.md", "A-2.md"}, {"a.md", "a-3.md"}, {"taken.md", "taken-2.md"},
		{"dir/page", "dir/page"}, {"dir/page", "dir/page-2"},
	} {
		if got := n.Claim(tc.in); got != tc.want {
			t.Errorf("Claim(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"introspection and learning - icon 7.png", "introspection-and-learning-icon-7.png"},
		{"[Shared] Matrix, June 2020.xlsx", "Shared-Matrix-June-2020.xlsx"},
		{"../../x.png", "x.png"},
		{".htaccess", "htaccess"},
		{"", "file"},
	} {
		if got := SafeFileName(tc.in); got != tc.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFrontMatterRoundTrip: what an importer writes, the renderer reads.
func TestFrontMatterRoundTrip(t *testing.T) {
	var fm FrontMatter
	fm.Set("title", "Learn: risks, \"threats\" & more")
	fm.Set("date", "2021-08-31")
	fm.Set("weight", 3)
	fm.Set("lang", "es")
	fm.Set("translationKey", "activities/0101-x")
	fm.Set("aliases", []string{"/display/OS/Learn+about+organisation's+risk,+threats", "/pages/1015851"})
	fm.Set("toc", true)
	fm.Set("empty", "")
	fm.Set("weight", 4)
	b, err := (&Page{Path: "x.md", Front: fm, Body: "Body\n"}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	got, body, err := render.ParseFrontMatter(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got.Title != "Learn: risks, \"threats\" & more" || got.Date != "2021-08-31" || got.Weight != 4 || got.Lang != "es" ||
		got.TranslationKey != "activities/0101-x" || len(got.Aliases) != 2 || got.Raw["toc"] != true || got.Raw["empty"] != nil {
		t.Errorf("read back %+v from\n%s", got, b)
	}
	if string(body) != "\nBody\n" {
		t.Errorf("body %q", body)
	}
	if !strings.HasPrefix(string(b), "---\ntitle:") || !strings.Contains(string(b), "date: 2021-08-31\n") {
		t.Errorf("front matter not in order or date quoted:\n%s", b)
	}
}

func TestRelURL(t *testing.T) {
	for _, tc := range []struct{ from, to, frag, want string }{
		{"a.md", "b.md", "", "b.md"},
		{"a.md", "d/b.md", "x", "d/b.md#x"},
		{"d/a.md", "b.md", "", "../b.md"},
		{"d/e/a.md", "d/f/b.png", "", "../f/b.png"},
		{"d/index.md", "d/b.md", "", "b.md"},
		{"a.md", "with space/ü.md", "", "with%20space/%C3%BC.md"},
	} {
		if got := RelURL(tc.from, tc.to, tc.frag); got != tc.want {
			t.Errorf("RelURL(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
