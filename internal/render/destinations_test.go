package render

import (
	"strings"
	"testing"
)

func TestRewriteDestinations(t *testing.T) {
	r := New(Config{})
	cases := []struct{ name, in, want string }{
		{"link and image", "[a](x.html) ![b](/i.png)\n", "[a](X:x.html) ![b](I:/i.png)\n"},
		{"title kept", "[a](x \"T\")\n", "[a](X:x \"T\")\n"},
		{"nested image in link", "[![c](i.png)](p.pdf)\n", "[![c](I:i.png)](X:p.pdf)\n"},
		{"code untouched", "`[a](x)`\n\n    [b](y)\n", "`[a](x)`\n\n    [b](y)\n"},
		{"space gets brackets", "[a](<x y>)\n", "[a](<X:x y>)\n"},
		{"front matter kept", "---\nt: 1\n---\n[a](x)\n", "---\nt: 1\n---\n[a](X:x)\n"},
		{"emphasis label", "[*a* b **c**](x)\n", "[*a* b **c**](X:x)\n"},
		{"code label", "[`a`](x)\n", "[`a`](X:x)\n"},
		{"parentheses in destination", "[a](x(1).html)\n", "[a](<X:x(1).html>)\n"},
		{"empty alt", "Look: ![](a.png) and ![](b.png)\n", "Look: ![](I:a.png) and ![](I:b.png)\n"},
		{"empty alt first", "![](a.png)\n", "![](I:a.png)\n"},
		{"whole image replaced", "A ![x *y*](gone.png) b ![](gone.png)\n", "A *(gone)* b *(gone)*\n"},
		{"image in link replaced", "[![x](gone.png)](p.pdf)\n", "[*(gone)*](X:p.pdf)\n"},
		{"kept when fn declines", "[a](keep)\n", "[a](keep)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := r.RewriteDestinations([]byte(tc.in), func(d string, img bool) (DestinationEdit, bool) {
				switch {
				case d == "keep":
					return DestinationEdit{}, false
				case d == "gone.png":
					return DestinationEdit{Whole: "*(gone)*"}, true
				case img:
					return DestinationEdit{Dest: "I:" + d}, true
				}
				return DestinationEdit{Dest: "X:" + d}, true
			})
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRewriteDestinationsEmptyLabels: each empty label is found from the
// link before it; unremembered, 2,000 of them took exponential time.
func TestRewriteDestinationsEmptyLabels(t *testing.T) {
	r := New(Config{})
	in := strings.Repeat("[](a) ![](b)", 1000) + "\n"
	got := r.RewriteDestinations([]byte(in), func(d string, img bool) (DestinationEdit, bool) {
		return DestinationEdit{Dest: d + d}, true
	})
	if want := strings.Repeat("[](aa) ![](bb)", 1000) + "\n"; string(got) != want {
		t.Errorf("got %.80q…", got)
	}
}
