package render

import (
	"html/template"
	"regexp"
	"sort"
	"strings"
)

// remoteLoad finds attributes that make a browser fetch something as soon as
// a page is shown: sanitized output keeps only src on images and media, and
// srcset.
var remoteLoad = regexp.MustCompile(`\s(?:src|srcset|poster)="\s*(?:https?:)?//([^/"\s:?#]+)`)

// RemoteHosts lists the other hosts a rendered page loads from, sorted and
// without duplicates. Such a load tells the host who reads which page, so
// the server's CSP blocks it, the export's does too, and the editor and
// gitwiki check warn about it.
func RemoteHosts(html template.HTML) []string {
	seen := map[string]bool{}
	for _, m := range remoteLoad.FindAllStringSubmatch(string(html), -1) {
		seen[strings.ToLower(m[1])] = true
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}
