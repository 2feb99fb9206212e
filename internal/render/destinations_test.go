package render

import "testing"

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
		{"kept when fn declines", "[a](keep)\n", "[a](keep)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := r.RewriteDestinations([]byte(tc.in), func(d string, img bool) (string, bool) {
				if d == "keep" {
					return "", false
				}
				if img {
					return "I:" + d, true
				}
				return "X:" + d, true
			})
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
