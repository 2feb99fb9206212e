package site

import (
	"sort"
	"strings"
	"unicode"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// key folds a name the way people write wikilinks: case, spaces, hyphens,
// underscores and "+" (Confluence) do not matter.
func key(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".md")
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if r == '-' || r == '_' || r == '+' || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func lookupKeys(p *Page) []string {
	keys := []string{key(string(p.Name)), key(p.Name.Base()), key(p.Title)}
	out := keys[:0]
	seen := map[string]bool{}
	for _, k := range keys {
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// FindWiki implements render.Resolver: a [[target]] is, in order, a page
// path relative to the linking page's folder, a path from the root, or a
// page whose path, base name or title matches loosely. Among loose matches
// the one closest to the linking page wins.
func (s *Site) FindWiki(from wikipath.Page, target string) (wikipath.Page, bool) {
	target = strings.TrimSpace(target)
	if target == "" {
		return "", false
	}
	if j, err := wikipath.Join(string(from.Dir()), target); err == nil {
		if s.pages.has(wikipath.Page(j)) {
			return wikipath.Page(j), true
		}
	}
	if c, err := wikipath.Parse(target); err == nil {
		if s.pages.has(c) {
			return c, true
		}
	}
	cands := s.byKey[key(target)]
	if len(cands) == 0 {
		// "Folder/Page Name" written loosely: fold each segment.
		if strings.Contains(target, "/") {
			cands = s.byKey[key(strings.ReplaceAll(target, "/", "\x00"))]
			cands = append(cands[:len(cands):len(cands)], s.byPath[key(target)]...)
		}
		if len(cands) == 0 {
			return "", false
		}
	}
	best, bestScore := cands[0], -1
	for _, c := range cands {
		if sc := commonPrefix(from, c); sc > bestScore {
			best, bestScore = c, sc
		}
	}
	return best, true
}

func commonPrefix(a, b wikipath.Page) int {
	as, bs := a.Dir().Segments(), b.Segments()
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// Near suggests up to n pages whose names or titles resemble name, for the
// "page not found" answer.
func (s *Site) Near(name wikipath.Page, n int) []*Page {
	want := key(name.Base())
	whole := key(string(name))
	type scored struct {
		p *Page
		d int
	}
	var list []scored
	for _, p := range s.sorted {
		if p.Hidden {
			continue
		}
		d := min(distance(want, key(p.Name.Base())), distance(want, key(p.Title)), distance(whole, key(string(p.Name))))
		if strings.Contains(key(p.Title), want) && want != "" {
			d = min(d, 1)
		}
		limit := max(2, len([]rune(want))/3)
		if d <= limit {
			list = append(list, scored{p, d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].d < list[j].d })
	var out []*Page
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].p)
	}
	return out
}

// distance is the Levenshtein distance over runes, capped for long inputs.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
