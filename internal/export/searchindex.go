package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The offline index holds each page's title and the start of its text: the
// whole text of a large wiki would make a script too big to load on a slow
// link. It aims at searchBudget bytes of text in all, shared equally by the
// pages, each getting between searchMinText and searchMaxText bytes: a small
// wiki is searched in full, a large one by titles and first paragraphs.
const (
	searchBudget  = 1 << 20
	searchMinText = 512
	searchMaxText = 16 << 10
)

func searchTextBytes(pages int) int {
	return min(searchMaxText, max(searchMinText, searchBudget/max(pages, 1)))
}

type searchEntry struct {
	Title string `json:"title"`
	URL   string `json:"url"` // relative to the search page
	Text  string `json:"text"`
}

// searchIndex is the script the search page loads with <script src>,
// because file:// pages cannot fetch JSON.
func (b *build) searchIndex() []byte {
	entries := make([]searchEntry, 0, len(b.plan.list))
	fromSearch := scheme{plan: b.plan, prefix: "../../"}
	limit := searchTextBytes(len(b.plan.list))
	for _, p := range b.plan.list {
		entries = append(entries, searchEntry{
			Title: p.Title,
			URL:   fromSearch.page(p.Name),
			Text:  indexText(p.Summary.Text, p.Title, limit),
		})
	}
	var buf bytes.Buffer
	buf.WriteString("window.gitwikiSearch = ")
	enc := json.NewEncoder(&buf)
	// The default HTML escaping stays on: the index is a script, and "</script>"
	// in a page's text must not end one if it is ever inlined.
	if err := enc.Encode(entries); err != nil {
		panic(err) // strings only: cannot fail
	}
	buf.Truncate(buf.Len() - 1)
	buf.WriteString(";\n")
	return buf.Bytes()
}

// searchIndexName names the index by its content, so a cached old index is
// never used with new pages.
func searchIndexName(index []byte) string {
	sum := sha256.Sum256(index)
	return "index." + hex.EncodeToString(sum[:])[:10] + ".js"
}

// indexText is a page's text on one line, without a leading repeat of the
// title, cut at a word boundary within max bytes.
func indexText(text, title string, max int) string {
	text = oneLine(text, 2*max+len(title))
	if t := oneLine(title, len(title)); t != "" {
		if rest, ok := strings.CutPrefix(text, t); ok && (rest == "" || rest[0] == ' ') {
			text = strings.TrimSpace(rest)
		}
	}
	if len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(text[:cut], ' '); i > max/2 {
		cut = i
	}
	return text[:cut]
}

// oneLine collapses runs of white space to one space and stops after
// about limit bytes: pages can be megabytes long, the index takes a few.
func oneLine(s string, limit int) string {
	var b strings.Builder
	b.Grow(min(len(s), limit+4))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if b.Len() >= limit {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
