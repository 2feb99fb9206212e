// Package atom is the Atom feed format (RFC 4287), shared by the server's
// feeds and the static export's, so both write the same document.
package atom

import "encoding/xml"

// Feed is an Atom feed document.
type Feed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []Link   `xml:"link"`
	Entries []Entry  `xml:"entry"`
}

// Link is an Atom link.
type Link struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

// Entry is one item of a feed.
type Entry struct {
	Title   string `xml:"title"`
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Author  Author `xml:"author"`
	Links   []Link `xml:"link"`
	Summary string `xml:"summary"`
}

// Author names who made an entry.
type Author struct {
	Name string `xml:"name"`
}

// Marshal writes the document with its XML declaration.
func (f *Feed) Marshal() ([]byte, error) {
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
