// Package wikipath owns the one definition of a page name and of the file paths
// the wiki may touch. Every path that comes from a URL, a form or a link passes
// through here before it reaches git, so the rejection rules live in one place.
package wikipath

import (
	"errors"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// Limits keep names within what filesystems and git tooling handle everywhere.
const (
	MaxSegment = 255
	MaxPath    = 1024
)

// ErrInvalid is wrapped by every rejection, so callers can map it to a 400.
var ErrInvalid = errors.New("invalid path")

// Error explains a rejected path in words a reader understands.
type Error struct {
	Path   string
	Code   string // the reason's key in the theme's catalog: path.<code>
	Reason string
}

func (e *Error) Error() string { return "invalid path: " + e.Reason }
func (e *Error) Unwrap() error { return ErrInvalid }

// Say is the reason in the catalog's words, for the web.
func (e *Error) Say() (string, []any, string) { return "path." + e.Code, nil, e.Reason }

// reasons are the English of every rejection by code; the theme's catalog
// says the same as path.<code> (a test holds them equal).
var reasons = map[string]string{
	"too_long":      "the path is longer than 1024 bytes",
	"not_utf8":      "the path is not valid UTF-8",
	"control":       "the path contains a control character",
	"backslash":     "the path contains a backslash",
	"dots":          "the path contains “.” or “..”",
	"dot_name":      "names starting with a dot (such as .git) are not served",
	"part_too_long": "a part of the path is longer than 255 bytes",
	"space":         "a part of the path starts or ends with a space",
	"reserved":      "paths starting with “-” are reserved for the wiki itself",
	"climbs":        "the link climbs above the wiki root",
}

// Messages are the English reasons by catalog key, for that test.
func Messages() map[string]string {
	out := make(map[string]string, len(reasons))
	for k, v := range reasons {
		out["path."+k] = v
	}
	return out
}

func invalid(p, code string) error { return &Error{Path: p, Code: code, Reason: reasons[code]} }

// Page is a clean page name: slash-separated segments, no leading or trailing
// slash, no ".md". The empty Page is the root folder page.
type Page string

// Root is the wiki's home page.
const Root Page = ""

// FolderPageNames are the file names that act as a folder's page, in order of
// preference.
var FolderPageNames = []string{"index.md", "README.md", "Home.md", "_index.md"}

// Parse normalises a page name from an already-unescaped URL path or form field.
// A trailing ".md" is kept: callers that want to redirect *.md URLs check for
// it themselves.
func Parse(s string) (Page, error) {
	clean, err := CleanFile(s)
	if err != nil {
		return "", err
	}
	return Page(clean), nil
}

// CleanFile normalises a repository-relative file path and rejects anything
// that could escape the content root or reach git internals: "..", ".git",
// dotfiles, absolute paths, backslashes, control characters, invalid UTF-8 and
// over-long names. Repeated and trailing slashes are removed. The empty string
// is allowed and means the root.
func CleanFile(s string) (string, error) {
	if len(s) > MaxPath {
		return "", invalid(s, "too_long")
	}
	if !utf8.ValidString(s) {
		return "", invalid(s, "not_utf8")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", invalid(s, "control")
		}
		if r == '\\' {
			return "", invalid(s, "backslash")
		}
	}
	s = strings.TrimPrefix(s, "/")
	var segs []string
	for _, seg := range strings.Split(s, "/") {
		switch {
		case seg == "":
			continue
		case seg == "." || seg == "..":
			return "", invalid(s, "dots")
		case strings.HasPrefix(seg, "."):
			return "", invalid(s, "dot_name")
		case len(seg) > MaxSegment:
			return "", invalid(s, "part_too_long")
		case strings.TrimSpace(seg) != seg:
			return "", invalid(s, "space")
		}
		segs = append(segs, seg)
	}
	if len(segs) > 0 && strings.HasPrefix(segs[0], "-") {
		return "", invalid(s, "reserved")
	}
	return strings.Join(segs, "/"), nil
}

// FromFile maps a content file to its page. ok is false for attachments.
func FromFile(name string) (p Page, ok bool) {
	if !strings.HasSuffix(name, ".md") {
		return "", false
	}
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	for _, f := range FolderPageNames {
		if base == f {
			return Page(dir), true
		}
	}
	return Page(strings.TrimSuffix(name, ".md")), true
}

// Files lists the files that can hold this page, in order of preference.
func (p Page) Files() []string {
	var out []string
	if p != Root {
		out = append(out, string(p)+".md")
	}
	for _, f := range FolderPageNames {
		out = append(out, path.Join(string(p), f))
	}
	return out
}

// URL is the page's absolute URL path with each segment escaped.
func (p Page) URL() string { return "/" + EscapePath(string(p)) }

// EscapePath escapes each segment of a slash-separated path for use in a URL.
func EscapePath(s string) string {
	if s == "" {
		return ""
	}
	segs := strings.Split(s, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}

// Dir is the folder page that contains p. The root's Dir is the root.
func (p Page) Dir() Page {
	d := path.Dir(string(p))
	if d == "." {
		return Root
	}
	return Page(d)
}

// Base is the last segment, or "" for the root.
func (p Page) Base() string {
	if p == Root {
		return ""
	}
	return path.Base(string(p))
}

// Segments splits the name; the root has none.
func (p Page) Segments() []string {
	if p == Root {
		return nil
	}
	return strings.Split(string(p), "/")
}

// Title makes a file name readable, for pages that have no title of their own:
// "00-getting_started" becomes "00 getting started".
func (p Page) Title() string {
	b := p.Base()
	if b == "" {
		return "Home"
	}
	b = strings.TrimPrefix(b, "_")
	b = strings.NewReplacer("-", " ", "_", " ", "+", " ").Replace(b)
	if b == "" {
		return string(p)
	}
	r, n := utf8.DecodeRuneInString(b)
	return strings.ToUpper(string(r)) + b[n:]
}

// Rel is the relative URL from page from to page to, for static export: every
// page is written as folder/index.html, so a page is one level deeper than its
// name suggests.
func Rel(from, to Page) string {
	up := len(from.Segments())
	prefix := strings.Repeat("../", up)
	if to == Root {
		if prefix == "" {
			return "./"
		}
		return prefix
	}
	return prefix + EscapePath(string(to)) + "/"
}

// Join resolves a relative link target against the folder dir of the file that
// holds the link. A target starting with "/" is taken from the content root.
// Links that climb above the root are rejected rather than clamped, so a
// broken link stays visibly broken.
func Join(dir, target string) (string, error) {
	var joined string
	if strings.HasPrefix(target, "/") {
		joined = path.Clean(target)
	} else {
		joined = path.Clean("/" + dir + "/" + target)
	}
	if strings.Contains(target, "..") {
		depth := 0
		for _, seg := range strings.Split(strings.Trim(dir, "/")+"/"+target, "/") {
			switch seg {
			case "", ".":
			case "..":
				depth--
			default:
				depth++
			}
			if depth < 0 {
				return "", invalid(target, "climbs")
			}
		}
	}
	return CleanFile(joined)
}
