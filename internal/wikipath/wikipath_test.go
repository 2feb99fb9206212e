package wikipath

import (
	"errors"
	"strings"
	"testing"
)

func TestCleanFile(t *testing.T) {
	cases := []struct {
		in, want string
		bad      bool
	}{
		{"", "", false},
		{"/", "", false},
		{"a", "a", false},
		{"/a/b/", "a/b", false},
		{"a//b", "a/b", false},
		{"Café notes/Ünïcode", "Café notes/Ünïcode", false},
		{"_activities/x y", "_activities/x y", false},
		{"a-b/-c", "a-b/-c", false},
		{"..", "", true},
		{"a/../b", "", true},
		{"a/./b", "", true},
		{".git", "", true},
		{"a/.git/config", "", true},
		{".hidden", "", true},
		{"a/.env", "", true},
		{"-/edit", "", true},
		{"-x", "", true},
		{"a\x00b", "", true},
		{"a\nb", "", true},
		{"a\x7fb", "", true},
		{`a\b`, "", true},
		{"\xff\xfe", "", true},
		{strings.Repeat("a", 256), "", true},
		{strings.Repeat("a/", 600), "", true},
		{" a", "", true},
		{"a /b", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CleanFile(tc.in)
			if tc.bad {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Fatalf("CleanFile(%q) = %q, %v; want an ErrInvalid", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CleanFile(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFromFileAndFiles(t *testing.T) {
	cases := []struct {
		file string
		page Page
		ok   bool
	}{
		{"index.md", Root, true},
		{"README.md", Root, true},
		{"a/index.md", "a", true},
		{"a/_index.md", "a", true},
		{"a/Home.md", "a", true},
		{"a/b.md", "a/b", true},
		{"a/b.png", "", false},
		{"a/b.markdown", "", false},
	}
	for _, tc := range cases {
		p, ok := FromFile(tc.file)
		if p != tc.page || ok != tc.ok {
			t.Errorf("FromFile(%q) = %q, %v; want %q, %v", tc.file, p, ok, tc.page, tc.ok)
		}
		if ok {
			found := false
			for _, f := range p.Files() {
				found = found || f == tc.file
			}
			if !found {
				t.Errorf("%q.Files() = %q lacks %q", p, p.Files(), tc.file)
			}
		}
	}
}

func TestURLAndTitle(t *testing.T) {
	cases := []struct {
		p          Page
		url, title string
		dir        Page
	}{
		{Root, "/", "Home", Root},
		{"a", "/a", "A", Root},
		{"Guides/Café notes", "/Guides/Caf%C3%A9%20notes", "Café notes", "Guides"},
		{"x/00-getting_started", "/x/00-getting_started", "00 getting started", "x"},
		{"q/what?#", "/q/what%3F%23", "What?#", "q"},
	}
	for _, tc := range cases {
		if got := tc.p.URL(); got != tc.url {
			t.Errorf("%q.URL() = %q, want %q", tc.p, got, tc.url)
		}
		if got := tc.p.Title(); got != tc.title {
			t.Errorf("%q.Title() = %q, want %q", tc.p, got, tc.title)
		}
		if got := tc.p.Dir(); got != tc.dir {
			t.Errorf("%q.Dir() = %q, want %q", tc.p, got, tc.dir)
		}
	}
}

func TestJoinAndRel(t *testing.T) {
	joins := []struct {
		dir, target, want string
		bad               bool
	}{
		{"a/b", "c.md", "a/b/c.md", false},
		{"a/b", "../c.md", "a/c.md", false},
		{"a", "/x/y.md", "x/y.md", false},
		{"", "img/p.png", "img/p.png", false},
		{"a", "../../etc/passwd", "", true},
		{"", "../x", "", true},
		{"a", "../.git/config", "", true},
	}
	for _, tc := range joins {
		got, err := Join(tc.dir, tc.target)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("Join(%q, %q) = %q, %v; want %q, bad=%v", tc.dir, tc.target, got, err, tc.want, tc.bad)
		}
	}
	rels := []struct {
		from, to Page
		want     string
	}{
		{Root, Root, "./"},
		{Root, "a/b", "a/b/"},
		{"a/b", Root, "../../"},
		{"a/b", "a/c", "../../a/c/"},
	}
	for _, tc := range rels {
		if got := Rel(tc.from, tc.to); got != tc.want {
			t.Errorf("Rel(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

// FuzzCleanFile checks that whatever comes in, what comes out can never
// leave the content root or reach git's files, and is stable.
func FuzzCleanFile(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "%2e%2e", ".git/config", "a\x00", "-/x", "a//b/", "Café/ü", "a/./b", "\\x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := CleanFile(s)
		if err != nil {
			return
		}
		if strings.HasPrefix(out, "/") || strings.HasPrefix(out, "-") || strings.Contains(out, "//") || strings.HasSuffix(out, "/") {
			t.Fatalf("CleanFile(%q) = %q: not canonical", s, out)
		}
		for _, seg := range strings.Split(out, "/") {
			if out != "" && (seg == "" || strings.HasPrefix(seg, ".") || len(seg) > MaxSegment) {
				t.Fatalf("CleanFile(%q) = %q: bad segment %q", s, out, seg)
			}
		}
		if strings.ContainsAny(out, "\x00\\\n\r") {
			t.Fatalf("CleanFile(%q) = %q: control character", s, out)
		}
		again, err := CleanFile(out)
		if err != nil || again != out {
			t.Fatalf("CleanFile not idempotent: %q → %q → %q, %v", s, out, again, err)
		}
	})
}
