package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/site"
)

// Letter is one letter of the A–Z index of titles, which the export's search
// page offers readers without JavaScript.
type Letter struct {
	Letter string // an upper-case letter, folded ("É" is under "E"), or "#"
	Pages  []*site.Page
}

// TitleIndex groups pages by the first letter of their titles, folded as
// search folds them: "#" (titles that begin with no letter) first, then the
// letters in order, each letter's pages by title.
func TitleIndex(pages []*site.Page) []Letter {
	type entry struct {
		key    string
		letter string
		p      *site.Page
	}
	entries := make([]entry, 0, len(pages))
	for _, p := range pages {
		key := foldString(strings.TrimSpace(p.Title))
		letter := "#"
		if r, _ := utf8.DecodeRuneInString(key); unicode.IsLetter(r) {
			letter = string(unicode.ToUpper(r))
		}
		entries = append(entries, entry{key, letter, p})
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if (a.letter == "#") != (b.letter == "#") {
			if a.letter == "#" {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.letter, b.letter), strings.Compare(a.key, b.key), strings.Compare(string(a.p.Name), string(b.p.Name)))
	})
	var out []Letter
	for _, e := range entries {
		if len(out) == 0 || out[len(out)-1].Letter != e.letter {
			out = append(out, Letter{Letter: e.letter})
		}
		l := &out[len(out)-1]
		l.Pages = append(l.Pages, e.p)
	}
	return out
}
