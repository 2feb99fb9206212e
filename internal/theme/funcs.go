package theme

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// StaticCSP is the Content-Security-Policy every page of the static export
// carries in a <meta> element, where no server sends the header: nothing
// from another host (a remote image in a page would tell its host who reads
// what), no inline script. frame-ancestors cannot be set from a <meta>.
const StaticCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"

// funcs are the template helpers. Dates are absolute and in UTC because the
// static export must be byte-identical whenever and wherever it is built.
func funcs() template.FuncMap {
	return template.FuncMap{
		"date":      formatDate,
		"isotime":   isoTime,
		"clock":     clock,
		"days":      groupByDay,
		"tree":      tree,
		"langName":  langName,
		"dir":       textDir,
		"short":     short,
		"plural":    plural,
		"body":      body,
		"revCard":   revCard,
		"tagCount":  tagCount,
		"size":      byteSize,
		"aria":      fieldAria,
		"gitReview": gitReview,
		"proposals": proposalRows,
		"checkRows": checkRows,
		"staticCSP": func() string { return StaticCSP },
	}
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("15:04 UTC")
}

// Day is a run of changes made on one UTC day.
type Day struct {
	Date    time.Time
	Changes []Change
}

// groupByDay keeps the input order; changes are expected newest first.
func groupByDay(changes []Change) []Day {
	var days []Day
	for _, c := range changes {
		y, m, d := c.Date.UTC().Date()
		if n := len(days); n > 0 {
			py, pm, pd := days[n-1].Date.UTC().Date()
			if py == y && pm == m && pd == d {
				days[n-1].Changes = append(days[n-1].Changes, c)
				continue
			}
		}
		days = append(days, Day{Date: c.Date, Changes: []Change{c}})
	}
	return days
}

// NavNode carries Links down the recursive nav templates, which only get one
// argument.
type NavNode struct {
	Links Links
	Item  *NavItem
}

func tree(l Links, items []*NavItem) []NavNode {
	out := make([]NavNode, len(items))
	for i, it := range items {
		out[i] = NavNode{Links: l, Item: it}
	}
	return out
}

// RevCard is one side of a diff header.
type RevCard struct {
	Links  Links
	Page   wikipath.Page
	Change Change
	Side   string // "from" or "to"
}

func revCard(l Links, p wikipath.Page, c Change, side string) RevCard {
	return RevCard{Links: l, Page: p, Change: c, Side: side}
}

// TagLink is one entry of the all-tags listing.
type TagLink struct {
	Links Links
	Tag   TagCount
}

func tagCount(l Links, t TagCount) TagLink { return TagLink{Links: l, Tag: t} }

// GitReview is what the git instructions for proposals need.
type GitReview struct {
	GitURL string
	Branch string // e.g. "proposals/7"
}

func gitReview(url, branch string) GitReview { return GitReview{GitURL: url, Branch: branch} }

// ProposalRows carries Links to the proposal-list partial.
type ProposalRows struct {
	Links Links
	Items []ProposalItem
	State string // "open", "merged" or "rejected", for the empty message
}

func proposalRows(l Links, state string, items []ProposalItem) ProposalRows {
	return ProposalRows{Links: l, Items: items, State: state}
}

func short(rev string) string {
	if len(rev) > 7 {
		return rev[:7]
	}
	return rev
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// languages names a language in itself, so a reader finds their own language
// in a switcher without reading English.
var languages = map[string]string{
	"am": "አማርኛ", "ar": "العربية", "bn": "বাংলা", "de": "Deutsch", "en": "English",
	"es": "Español", "fa": "فارسی", "fr": "Français", "he": "עברית", "hi": "हिन्दी",
	"id": "Bahasa Indonesia", "it": "Italiano", "ja": "日本語", "km": "ភាសាខ្មែរ",
	"ko": "한국어", "ku": "Kurdî", "my": "မြန်မာ", "ne": "नेपाली", "nl": "Nederlands",
	"pl": "Polski", "ps": "پښتو", "pt": "Português", "pt-br": "Português (Brasil)",
	"ru": "Русский", "sw": "Kiswahili", "th": "ไทย", "tl": "Tagalog", "tr": "Türkçe",
	"uk": "Українська", "ur": "اردو", "vi": "Tiếng Việt", "zh": "中文",
	"zh-hans": "简体中文", "zh-hant": "繁體中文",
}

func langName(tag string) string {
	t := strings.ToLower(tag)
	if n, ok := languages[t]; ok {
		return n
	}
	if i := strings.IndexByte(t, '-'); i > 0 {
		if n, ok := languages[t[:i]]; ok {
			return n
		}
	}
	return tag
}

var rtl = map[string]bool{"ar": true, "fa": true, "he": true, "ps": true, "ur": true, "yi": true, "dv": true, "ckb": true, "sd": true, "ug": true}

func textDir(tag string) string {
	t := strings.ToLower(tag)
	if i := strings.IndexByte(t, '-'); i > 0 {
		t = t[:i]
	}
	if rtl[t] {
		return "rtl"
	}
	return "ltr"
}

// body drops a leading <h1> that repeats the title, because the layout shows
// the title itself above the page's metadata. The cut is at the first
// "</h1>" of sanitized HTML, so what remains is still well formed.
func body(doc *render.Document) template.HTML {
	if doc == nil {
		return ""
	}
	h := string(doc.HTML)
	trimmed := strings.TrimLeft(h, " \t\r\n")
	if len(doc.TOC) == 0 || doc.TOC[0].Level != 1 || doc.TOC[0].Text != doc.Title || !strings.HasPrefix(trimmed, "<h1") {
		return doc.HTML
	}
	end := strings.Index(trimmed, "</h1>")
	if end < 0 {
		return doc.HTML
	}
	return template.HTML(strings.TrimLeft(trimmed[end+len("</h1>"):], " \t\r\n"))
}

// byteSize writes an upload limit or file size the way people say it.
func byteSize(n int64) string {
	const kb, mb = 1 << 10, 1 << 20
	var v float64
	var unit string
	switch {
	case n < kb:
		return plural(int(n), "byte", "bytes")
	case n < mb:
		v, unit = float64(n)/kb, "KB"
	default:
		v, unit = float64(n)/mb, "MB"
	}
	if v >= 10 || v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v+0.5), unit)
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
}

// problemID is the id of a form's problem message, which describes the field
// at fault.
const problemID = "form-problem"

// fieldAria writes a form field's aria attributes: described by its help
// (the element ids in help) and, when it is the field at fault, by the
// problem message too, and marked invalid. ids come from templates, never
// from users.
func fieldAria(problemField, field string, help ...string) template.HTMLAttr {
	ids := help
	invalid := field != "" && problemField == field
	if invalid {
		ids = append(ids[:len(ids):len(ids)], problemID)
	}
	var b strings.Builder
	if len(ids) > 0 {
		b.WriteString(`aria-describedby="`)
		b.WriteString(template.HTMLEscapeString(strings.Join(ids, " ")))
		b.WriteString(`"`)
	}
	if invalid {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`aria-invalid="true"`)
	}
	return template.HTMLAttr(b.String())
}

// CheckRows carries Links to the check-items partial.
type CheckRows struct {
	Links Links
	Items []CheckItem
}

func checkRows(l Links, items []CheckItem) CheckRows { return CheckRows{Links: l, Items: items} }
