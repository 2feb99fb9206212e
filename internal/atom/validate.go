package atom

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Validate checks a feed document against the rules of RFC 4287 that feed
// readers rely on: ids that are absolute IRIs, unique per entry; titles;
// RFC 3339 updated dates; an author for every entry; and at most one
// alternate link per entry (per type and hreflang), which an entry without
// content must have. It reports every problem found, for gitwiki's own
// feeds and tests.
func Validate(doc []byte) []string {
	var f struct {
		XMLName xml.Name
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Links   []Link   `xml:"link"`
		Authors []Author `xml:"author"`
		Entries []struct {
			Entry
			Content *struct{} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(doc, &f); err != nil {
		return []string{"not XML: " + err.Error()}
	}
	var probs []string
	add := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	if f.XMLName.Space != "http://www.w3.org/2005/Atom" || f.XMLName.Local != "feed" {
		add("the root is %s %s, not an Atom feed", f.XMLName.Space, f.XMLName.Local)
	}
	checkCommon := func(where, id, title, updated string) {
		if !absoluteIRI(id) {
			add("%s: id %q is not an absolute IRI", where, id)
		}
		if strings.TrimSpace(title) == "" {
			add("%s: no title", where)
		}
		if _, err := time.Parse(time.RFC3339, updated); err != nil {
			add("%s: updated %q is not an RFC 3339 date", where, updated)
		}
	}
	checkCommon("feed", f.ID, f.Title, f.Updated)
	self := false
	for _, l := range f.Links {
		self = self || l.Rel == "self"
	}
	if !self {
		add("feed: no self link")
	}
	ids := map[string]bool{}
	for i, e := range f.Entries {
		where := fmt.Sprintf("entry %d", i+1)
		checkCommon(where, e.ID, e.Title, e.Updated)
		if ids[e.ID] {
			add("%s: id %q is used twice", where, e.ID)
		}
		ids[e.ID] = true
		if len(f.Authors) == 0 && strings.TrimSpace(e.Author.Name) == "" {
			add("%s: no author, and the feed has none", where)
		}
		alternates := map[string]int{}
		for _, l := range e.Links {
			if l.Href == "" {
				add("%s: a link without href", where)
			}
			if l.Rel == "" || l.Rel == "alternate" {
				alternates[l.Type]++
			}
		}
		for typ, n := range alternates {
			if n > 1 {
				add("%s: %d alternate links of type %q; RFC 4287 4.1.1 allows one", where, n, typ)
			}
		}
		if e.Content == nil && len(alternates) == 0 {
			add("%s: no content and no alternate link", where)
		}
	}
	return probs
}

func absoluteIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}
