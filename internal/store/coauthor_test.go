package store

import (
	"slices"
	"testing"
)

func TestCoAuthors(t *testing.T) {
	ana, ben := Signature{Name: "Ana", Email: "ana@example.org"}, Signature{Name: "Ben Q.", Email: "ben@accounts.invalid"}
	for _, tc := range []struct {
		msg  string
		want []Signature
	}{
		{"Merge proposal 3: Fix\n\n" + CoAuthorTrailers([]Signature{ana, ben, ana}), []Signature{ana, ben}},
		{"Merge proposal 3: Fix\n\nA reason.\n\nco-authored-by: Ana <ana@example.org>\n", []Signature{ana}},
		{"Co-authored-by: Ana <ana@example.org>\n", nil}, // a subject is no trailer
		{"Edit\n\nCo-authored-by: Nameless\n", []Signature{{Name: "Nameless"}}},
		{"Edit\n\nCo-authored-by: Ana <ana@example.org>\n\nLater paragraph.\n", nil},
	} {
		if got := (&Commit{Message: tc.msg}).CoAuthors(); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.msg, got, tc.want)
		}
	}
}
