package render

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// tidyReference is tidyText as it was first written, the specification of
// the one-pass version.
func tidyReference(b []byte) string {
	var out strings.Builder
	for line := range strings.SplitSeq(string(b), "\n") {
		words := strings.FieldsFunc(line, unicode.IsSpace)
		if len(words) == 0 {
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(strings.Join(words, " "))
	}
	return out.String()
}

func TestTidyText(t *testing.T) {
	alphabet := []string{"a", "bé", " ", "  ", "\t", "\n", "\n\n", "\r", "\u00a0", "\u2003", "\xff", "\xe2\x80", "x", "\v", "\u0085"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		in := b.String()
		if got, want := tidyText([]byte(in)), tidyReference([]byte(in)); got != want {
			t.Fatalf("tidyText(%q) = %q, want %q", in, got, want)
		}
	}
}
