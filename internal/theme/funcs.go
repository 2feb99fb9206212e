package theme

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/i18n"
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
		// Bound to a language by langFuncs; these are never run.
		"t":       func(string, ...any) string { return "" },
		"author":  func(string, bool) template.HTML { return "" },
		"thtml":   func(string, ...any) template.HTML { return "" },
		"num":     func(int) string { return "" },
		"date":    func(time.Time) string { return "" },
		"langIn":  func(string) string { return "" },
		"script":  func(...string) string { return "" },
		"timeTag": func(time.Time) template.HTML { return "" },
		"cached":  func(string, any) (template.HTML, error) { return "", nil },
		"sectionEdits": func(b template.HTML, _ *render.Document, _ Links, _ wikipath.Page) template.HTML {
			return b
		},
		"rel":       func(href, rel string) i18n.Link { return i18n.Link{Href: href, Rel: rel} },
		"isotime":   isoTime,
		"clock":     clock,
		"days":      groupByDay,
		"tree":      tree,
		"langName":  i18n.SelfName,
		"dir":       i18n.Dir,
		"short":     short,
		"body":      body,
		"revCard":   revCard,
		"tagCount":  tagCount,
		"size":      func(int64) string { return "" },
		"aria":      fieldAria,
		"gitReview": gitReview,
		"proposals": proposalRows,
		"checkRows": checkRows,
		"inc":       func(n int) int { return n + 1 },
		"rows":      textRows,
		"staticCSP": func() string { return StaticCSP },
	}
}

// langFuncs are the functions that speak a language: messages from its
// catalog, and dates, numbers and sizes as it writes them.
func langFuncs(l *i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t":      l.T,
		"thtml":  l.HTML,
		"num":    l.Number,
		"date":   l.Date,
		"size":   func(n int64) string { return byteSize(l, n) },
		"langIn": l.Name,
		"sectionEdits": func(body template.HTML, doc *render.Document, links Links, p wikipath.Page) template.HTML {
			return sectionEdits(l, body, doc, links, p)
		},
		"script": l.Script,
		// author is a name with the "not verified" mark after it when it
		// was written without an account, for sentences that name others
		// after it ("by Ana (not verified), reviewed by Mara").
		"author": func(name string, unverified bool) template.HTML {
			h := template.HTMLEscapeString(name)
			if unverified {
				h += ` <span class="unverified" title="` + template.HTMLEscapeString(l.T("author.unverified_title")) + `">` + template.HTMLEscapeString(l.T("author.unverified")) + `</span>`
			}
			return template.HTML(h)
		},
		"timeTag": func(t time.Time) template.HTML {
			if t.IsZero() {
				return ""
			}
			return template.HTML(`<time datetime="` + isoTime(t) + `">` + template.HTMLEscapeString(l.Date(t)) + `</time>`)
		},
	}
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
	// HTML is the item already rendered (a leaf RenderNav kept); the
	// nav-item template writes it as it is.
	HTML template.HTML
}

func tree(l Links, items []*NavItem) []NavNode {
	out := make([]NavNode, len(items))
	ll, kept := l.(leafLinks)
	for i, it := range items {
		out[i] = NavNode{Links: l, Item: it}
		if kept && isLeaf(it) {
			out[i].HTML, _ = ll.leaves.get(leafKey(it))
		}
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
func byteSize(l *i18n.Lang, n int64) string {
	const kb, mb = 1 << 10, 1 << 20
	var v float64
	var unit string
	switch {
	case n < kb:
		return l.T("size.bytes", int(n))
	case n < mb:
		v, unit = float64(n)/kb, "size.kb"
	default:
		v, unit = float64(n)/mb, "size.mb"
	}
	num := strconv.FormatFloat(v, 'f', 1, 64)
	if v >= 10 || v == float64(int64(v)) {
		num = l.Number(int(v + 0.5))
	} else if strings.Contains(l.Number(1000), ".") {
		num = strings.Replace(num, ".", ",", 1) // a language writing 1.000 writes 1,5
	}
	return l.T(unit, "N", num)
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

// textRows sizes a textarea to its text, between lo and hi lines, so a
// one-line block is not a tall box and a long one does not take the page.
func textRows(text string, lo, hi int) int {
	n := strings.Count(text, "\n") + 1
	return max(lo, min(hi, n))
}
