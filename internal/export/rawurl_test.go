package export

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestHasRawURL: the hand-written matcher agrees with the regular
// expression it replaces.
func TestHasRawURL(t *testing.T) {
	cases := []string{"", "<a href=x>", "<A HREF = 'x'>", "<img src=\n'y'>", "<p>no</p>", "a < b", "<x xhref=1>", "<x _src=1>", "<x data-src=1>", "<x src>", "<x hrefs=1>", "href= <", "<SrC\t=1>", "é<src=1"}
	for _, c := range cases {
		if got, want := hasRawURL([]byte(c)), strings.Contains(c, "<") && rawURL.MatchString(c); got != want {
			t.Errorf("hasRawURL(%q) = %v, want %v", c, got, want)
		}
	}
	alphabet := []string{"<", ">", "h", "H", "r", "e", "f", "href", "HrEf", "src", "SRC", " ", "\t", "\n", "\v", "=", "_", "-", "x", "9", "é", "\xff"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		c := b.String()
		if got, want := hasRawURL([]byte(c)), strings.Contains(c, "<") && rawURL.MatchString(c); got != want {
			t.Fatalf("hasRawURL(%q) = %v, want %v", c, got, want)
		}
	}
}
