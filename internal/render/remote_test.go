package render

import (
	"strings"
	"testing"
)

func TestRemoteHosts(t *testing.T) {
	r := New(Config{})
	doc := r.Render([]byte("![pixel](https://tracker.example.com/p.gif) ![local](img/a.png)\n\n<img src=\"//cdn.example.net/x.png\">\n\n[a link](https://example.org/)\n"), Context{Page: "p", File: "p.md"})
	got := strings.Join(RemoteHosts(doc.HTML), " ")
	if got != "cdn.example.net tracker.example.com" {
		t.Errorf("got %q from\n%s", got, doc.HTML)
	}
}
