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
