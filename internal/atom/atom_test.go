package atom

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestMarshalEscapesAndRoundTrips(t *testing.T) {
	f := &Feed{Title: "A & <B>", ID: "urn:x", Updated: "2026-01-02T03:04:05Z",
		Entries: []Entry{{Title: "</title><script>", ID: "urn:git:commit:1", Author: Author{Name: "Ana"}, Links: []Link{{Href: "http://h/a?b=1&c=2"}}}}}
	b, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), xml.Header) || strings.Contains(string(b), "<script>") {
		t.Fatalf("got %s", b)
	}
	var back Feed
	if err := xml.Unmarshal(b, &back); err != nil || back.Entries[0].Title != "</title><script>" || back.Title != "A & <B>" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

func TestValidate(t *testing.T) {
	good := &Feed{Title: "T", ID: "urn:x", Updated: "2026-01-02T03:04:05Z", Links: []Link{{Href: "feed.atom", Rel: "self"}},
		Entries: []Entry{{Title: "e", ID: "urn:git:commit:1", Updated: "2026-01-02T03:04:05Z", Author: Author{Name: "Ana"},
			Links: []Link{{Href: "a"}, {Href: "b", Rel: "related"}}}}}
	b, _ := good.Marshal()
	if p := Validate(b); len(p) != 0 {
		t.Fatalf("good feed: %q", p)
	}
	for _, tc := range []struct {
		name string
		edit func(f *Feed)
		want string
	}{
		{"two alternates", func(f *Feed) { f.Entries[0].Links[1].Rel = "" }, "alternate links"},
		{"no alternate", func(f *Feed) { f.Entries[0].Links = nil }, "no content and no alternate"},
		{"relative id", func(f *Feed) { f.ID = "feed" }, "not an absolute IRI"},
		{"bad date", func(f *Feed) { f.Entries[0].Updated = "yesterday" }, "RFC 3339"},
		{"no author", func(f *Feed) { f.Entries[0].Author.Name = "" }, "no author"},
		{"duplicate id", func(f *Feed) { f.Entries = append(f.Entries, f.Entries[0]) }, "used twice"},
		{"no self", func(f *Feed) { f.Links = nil }, "no self link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := *good
			f.Entries = append([]Entry(nil), good.Entries...)
			f.Entries[0].Links = append([]Link(nil), good.Entries[0].Links...)
			tc.edit(&f)
			b, _ := f.Marshal()
			if p := Validate(b); !strings.Contains(strings.Join(p, "\n"), tc.want) {
				t.Errorf("got %q, want a problem with %q", p, tc.want)
			}
		})
	}
}
