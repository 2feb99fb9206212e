package theme

import (
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// fakeLinks records every URL it hands out, so tests can check that templates
// write no URL of their own. mode is "server", "static" or "readonly" (a
// server whose edit policy is closed and has no feed or search).
type fakeLinks struct {
	mode   string
	urls   map[string]bool
	assets map[string]bool
	// asset and index override Asset and the search index for screenshots,
	// which need real files.
	asset func(name string) string
	index string
}

func newFakeLinks(mode string) *fakeLinks {
	return &fakeLinks{mode: mode, urls: map[string]bool{}, assets: map[string]bool{}}
}

func (f *fakeLinks) rec(s string) string {
	if s != "" {
		f.urls[s] = true
	}
	return s
}

func (f *fakeLinks) Page(p wikipath.Page) string {
	if f.mode == "static" {
		return f.rec("../" + wikipath.EscapePath(string(p)) + "/")
	}
	return f.rec(p.URL())
}

func (f *fakeLinks) Asset(name string) string {
	f.assets[name] = true
	if f.asset != nil {
		return f.rec(f.asset(name))
	}
	return f.rec("/-/static/" + name)
}

func (f *fakeLinks) File(path string) string { return f.rec("/" + wikipath.EscapePath(path)) }

func (f *fakeLinks) Action(a Action, p wikipath.Page) string {
	name := string(a)
	switch f.mode {
	case "static":
		switch name {
		case "home":
			return f.rec("../")
		case "pages", "recent", "tags", "search":
			return f.rec("../-/" + name + "/")
		case "feed":
			return f.rec("../feed.atom")
		case "searchindex":
			if f.index != "" {
				return f.rec(f.index)
			}
			return f.rec("../-/search/index.js")
		case "edit":
			return f.rec("https://wiki.example.org/-/edit/" + wikipath.EscapePath(string(p)))
		}
		return ""
	case "readonly":
		switch name {
		case "edit", "raw", "feed", "page-feed", "suggest", "search", "diff", "searchindex", "new", "move", "delete", "preview", "upload", "edit-raw", "lang":
			return ""
		}
	}
	switch name {
	case "edit", "history", "raw", "diff", "move", "delete", "upload":
		return f.rec("/-/" + name + "/" + wikipath.EscapePath(string(p)))
	case "edit-raw":
		return f.rec("/-/edit/" + wikipath.EscapePath(string(p)) + "?raw=1")
	case "new":
		return f.rec("/-/new")
	case "preview":
		return f.rec("/-/preview")
	case "proposals":
		return f.rec("/-/proposals")
	case "proposals-feed":
		return f.rec("/-/proposals/feed.atom")
	case "home":
		return f.rec("/")
	case "feed":
		return f.rec("/-/feed.atom")
	case "suggest":
		return f.rec("/-/search/suggest")
	case "page-feed":
		return f.rec("/-/feed.atom?page=" + strings.ReplaceAll(strings.ReplaceAll(url.QueryEscape(string(p)), "%2F", "/"), "+", "%20"))
	case "pages", "recent", "search", "tags":
		return f.rec("/-/" + name)
	}
	return ""
}

func (f *fakeLinks) EditSection(p wikipath.Page, n int) string {
	if f.mode != "server" {
		return ""
	}
	return f.rec("/-/edit/" + wikipath.EscapePath(string(p)) + "?section=" + strconv.Itoa(n))
}

func (f *fakeLinks) Tag(kind, name string) string {
	if f.mode == "static" && kind == "category" {
		return ""
	}
	return f.rec("/-/tags/" + kind + "/" + url.PathEscape(name))
}

func (f *fakeLinks) Diff(p wikipath.Page, from, to string) string {
	if f.mode == "static" {
		return ""
	}
	return f.rec("/-/diff/" + wikipath.EscapePath(string(p)) + "?from=" + from + "&to=" + to)
}

func (f *fakeLinks) PageAt(p wikipath.Page, rev string) string {
	if f.mode == "static" {
		return ""
	}
	return f.rec(p.URL() + "?rev=" + rev)
}

func (f *fakeLinks) Translate(p wikipath.Page, lang string) string {
	if f.mode != "server" {
		return ""
	}
	return f.rec("/-/translate/" + wikipath.EscapePath(string(p)) + "?lang=" + url.QueryEscape(lang))
}

func (f *fakeLinks) Proposal(id int, action string) string {
	if f.mode == "static" {
		return ""
	}
	u := "/-/proposals/" + strconv.Itoa(id)
	if action != "" {
		u += "/" + action
	}
	return f.rec(u)
}

const (
	samplePage   = wikipath.Page("Facilitation/Activities/Mapping information assets")
	licenseURL   = "https://creativecommons.org/licenses/by-sa/4.0/"
	sampleHashA  = "4f9c2a7d1b3e5f60718293a4b5c6d7e8f9012345"
	sampleHashB  = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
	sampleHashC  = "0c1d2e3f405162738495a6b7c8d9eaf0b1c2d3e4"
	sampleParent = "9e8d7c6b5a4938271605f4e3d2c1b0a998877665"
)

// sampleHTML is what internal/render wrote for a typical activity page, kept
// here so these tests do not change when the renderer does.
func sampleHTML(tb testing.TB) template.HTML {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sample-page.html"))
	if err != nil {
		tb.Fatal(err)
	}
	return template.HTML(b)
}

func sampleBase(l Links, title string) Base {
	return Base{
		Site: Site{
			Title:       "Safer Together",
			Description: "A community wiki for people who help civil-society organisations with their security.",
			Language:    "en",
			License:     "CC BY-SA 4.0",
			LicenseURL:  licenseURL,
			Footer:      "Written by practitioners, for practitioners. Never publish details that could identify someone at risk.",
			Revision:    "4f9c2a7",
		},
		Links: l,
		Nav:   sampleNav(),
		Title: title,
	}
}

func sampleNav() []*NavItem {
	return []*NavItem{
		{Title: "Facilitation", Page: "Facilitation", Open: true, Children: []*NavItem{
			{Title: "Planning a session", Page: "Facilitation/Planning a session"},
			{Title: "Activities", Page: "Facilitation/Activities", Open: true, Children: []*NavItem{
				{Title: "Mapping information assets", Page: samplePage, Current: true},
				{Title: "Threat modelling with a timeline", Page: "Facilitation/Activities/Threat modelling with a timeline"},
				{Title: "Circles of trust", Page: "Facilitation/Activities/Circles of trust"},
			}},
			{Title: "Safer workshops", Page: "Facilitation/Safer workshops"},
		}},
		{Title: "Guides", Page: "Guides", Children: []*NavItem{
			{Title: "Incident response first steps", Page: "Guides/Incident response first steps"},
			{Title: "Account recovery", Page: "Guides/Account recovery"},
		}},
		{Title: "Policies", Page: "Policies", Children: []*NavItem{
			{Title: "Example device and account policy", Page: "Policies/Example device and account policy"},
		}},
		{Title: "Glossary", Page: "Glossary"},
		{Title: "Contribute", Page: "Contribute"},
		{Title: "About", Page: "About"},
	}
}

func sampleDate(day, hour int) time.Time {
	return time.Date(2025, time.March, day, hour, 17, 0, 0, time.UTC)
}

func sampleChanges() []Change {
	return []Change{
		{Hash: sampleHashA, Short: sampleHashA[:7], Author: "Amina Yusuf", Date: sampleDate(14, 16),
			Summary: "Add a note on not writing down names of sources", Parent: sampleHashB,
			Pages: []PageRef{{Title: "Mapping information assets", Page: samplePage}}},
		{Hash: sampleHashB, Short: sampleHashB[:7], Author: "Luis Ortega", Date: sampleDate(14, 9),
			Summary: "Translate the worksheet table headings", Parent: sampleHashC,
			Pages: []PageRef{{Title: "Mapping information assets", Page: samplePage}, {Title: "Glossary", Page: "Glossary"}},
			Files: []string{"Facilitation/images/session-flow.png"}},
		{Hash: sampleHashC, Short: sampleHashC[:7], Author: "Anonymous", Date: sampleDate(2, 11),
			Summary: "Create the activity from the Prague workshop notes", Parent: "",
			Pages: []PageRef{{Title: "Mapping information assets", Page: samplePage}}},
	}
}

func samplePageView(tb testing.TB, l Links) *PageView {
	tb.Helper()
	changes := sampleChanges()
	return &PageView{
		Base: sampleBase(l, "Mapping information assets"),
		Page: samplePage,
		Doc: &render.Document{
			Summary: render.Summary{
				Title: "Mapping information assets",
				FrontMatter: render.FrontMatter{
					Description: "A participatory activity to find out what information an organisation holds.",
					Tags:        []string{"activity", "risk-assessment", "workshop"},
					Category:    "Activities",
				},
			},
			HTML: sampleHTML(tb),
			Sections: []render.Section{
				{Index: 1, Level: 2, ID: "before-the-session", Text: "Before the session"},
				{Index: 2, Level: 2, ID: "running-the-activity", Text: "Running the activity"},
				{Index: 3, Level: 3, ID: "step-1-list-the-information", Text: "Step 1: list the information"},
				{Index: 4, Level: 3, ID: "step-2-draw-where-it-lives", Text: "Step 2: draw where it lives"},
				{Index: 5, Level: 2, ID: "after-the-session", Text: "After the session"},
			},
		},
		TOC: []*TOCItem{
			{ID: "before-the-session", Text: "Before the session"},
			{ID: "running-the-activity", Text: "Running the activity", Children: []*TOCItem{
				{ID: "step-1-list-the-information", Text: "Step 1: list the information"},
				{ID: "step-2-draw-where-it-lives", Text: "Step 2: draw where it lives"},
			}},
			{ID: "after-the-session", Text: "After the session"},
		},
		Breadcrumbs: []PageRef{
			{Title: "Home", Page: wikipath.Root},
			{Title: "Facilitation", Page: "Facilitation"},
			{Title: "Activities", Page: "Facilitation/Activities"},
		},
		LastChange: &changes[0],
		Backlinks: []PageRef{
			{Title: "Planning a session", Page: "Facilitation/Planning a session"},
			{Title: "Threat modelling with a timeline", Page: "Facilitation/Activities/Threat modelling with a timeline"},
			{Title: "Welcome to Safer Together", Page: wikipath.Root},
		},
		Translations: []Translation{
			{Lang: "es", Page: "es/Facilitation/Activities/Mapeo de activos de información"},
			{Lang: "ar", Page: "ar/Facilitation/Activities/رسم خريطة الأصول"},
		},
	}
}

func sampleDiffRows() []DiffRow {
	return []DiffRow{
		{Kind: "skip", SkipCount: 12},
		{Kind: "equal", LeftNum: 13, RightNum: 13, Left: "## Before the session", Right: "## Before the session"},
		{Kind: "equal", LeftNum: 14, RightNum: 14, Left: "", Right: ""},
		{Kind: "change", LeftNum: 15, RightNum: 15,
			Left:  template.HTML("- Agree with the organisation&#39;s lead <del>which people</del> will be in the room."),
			Right: template.HTML("- Agree with the organisation&#39;s lead <ins>who</ins> will be in the room.")},
		{Kind: "del", LeftNum: 16, Left: "- Bring a projector."},
		{Kind: "add", RightNum: 16, Right: "- [x] Book a room without cameras"},
		{Kind: "add", RightNum: 17, Right: "- [ ] Prepare sticky notes in three colours"},
		{Kind: "equal", LeftNum: 17, RightNum: 18, Left: "", Right: ""},
		{Kind: "change", LeftNum: 18, RightNum: 19,
			Left:  template.HTML("&gt; Never write down names of sources<del>.</del>"),
			Right: template.HTML("&gt; Never write down names of sources<ins> or at-risk people on the map. Use roles</ins>")},
		{Kind: "skip", SkipCount: 31},
	}
}

// sampleViews returns every view with realistic data, keyed by view name.
func sampleViews(tb testing.TB, l Links) map[string]any {
	tb.Helper()
	changes := sampleChanges()
	pagesTree := sampleNav()
	for _, n := range pagesTree {
		n.Open = false
	}
	base := func(title string) Base {
		b := sampleBase(l, title)
		b.Nav = sampleNav()
		return b
	}
	diff := &DiffView{Base: base("Changes to Mapping information assets"), Page: samplePage,
		From: changes[1], To: changes[0], Rows: sampleDiffRows()}
	diff.NoIndex = true
	search := &SearchView{Base: base("Search: information"), Results: []SearchResult{
		{PageRef: PageRef{Title: "Mapping information assets", Page: samplePage},
			Snippet: template.HTML("…helps a group see what <mark>information</mark> it holds, where that <mark>information</mark> lives and who can reach it…")},
		{PageRef: PageRef{Title: "Glossary", Page: "Glossary"},
			Snippet: template.HTML("<mark>Information</mark> asset: anything of value to the organisation…")},
	}, Total: 2, Page: 1, Pages: 1}
	search.Query = "information"
	errView := &ErrorView{Base: base("This page does not exist"), Status: 404, Heading: "This page does not exist",
		Message:     "No page is called “Facilitation/Risk matrix”. It may have been moved or renamed.",
		Suggestions: []PageRef{{Title: "Risk assessment", Page: "Guides/Risk assessment"}, {Title: "Threat modelling with a timeline", Page: "Facilitation/Activities/Threat modelling with a timeline"}},
		Create:      "Facilitation/Risk matrix", CanCreate: true}
	errView.NoIndex = true
	views := map[string]any{
		"page":    samplePageView(tb, l),
		"history": &HistoryView{Base: base("History of Mapping information assets"), Page: samplePage, Entries: changes},
		"diff":    diff,
		"pages":   &PagesView{Base: base("All pages"), Tree: pagesTree, Count: 17},
		"recent":  &RecentView{Base: base("Recent changes"), Entries: changes},
		"tags": &TagView{Base: base("Tags and categories"), All: []TagCount{
			{Kind: "category", Name: "Activities", Count: 9}, {Kind: "category", Name: "Guides", Count: 6},
			{Kind: "tag", Name: "activity", Count: 9}, {Kind: "tag", Name: "incident-response", Count: 3},
			{Kind: "tag", Name: "risk-assessment", Count: 4}, {Kind: "tag", Name: "start-here", Count: 1},
			{Kind: "tag", Name: "workshop", Count: 7},
		}},
		"search": search,
		"error":  errView,
		"translations": &TranslationsView{Base: base("Translations"), SourceLang: "en", Languages: []LanguageTranslations{{
			Lang: "es",
			Outdated: []TranslationRow{{Source: PageRef{Title: "Mapping information assets", Page: samplePage},
				Translation: PageRef{Title: "Mapeo de activos de información", Page: "es/" + samplePage}, Commits: 2, Added: 14, Deleted: 3,
				DiffURL: l.Diff(samplePage, "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222")}},
			Missing:  []TranslationRow{{Source: PageRef{Title: "Glossary", Page: "Glossary"}}},
			UpToDate: []TranslationRow{{Source: PageRef{Title: "Welcome", Page: ""}, Translation: PageRef{Title: "Bienvenida", Page: "es"}}},
		}}, Findings: []CheckItem{{File: "es/Glossary.md", Message: `lang "espanol" is not a language tag such as en, es or pt-BR; the page is shown as es`}}},
	}
	for name, v := range sampleEditViews(tb, l) {
		views[name] = v
	}
	return views
}

// sampleCases returns every view and every variant, keyed by a name whose
// view is given with it.
func sampleCases(tb testing.TB, l Links) map[string]sampleVariant {
	tb.Helper()
	cases := make(map[string]sampleVariant)
	for name, data := range sampleViews(tb, l) {
		cases[name] = sampleVariant{view: name, data: data}
	}
	for name, v := range sampleEditVariants(tb, l) {
		cases[name] = v
	}
	return cases
}

// hrefs returns every URL attribute in out, unescaped.
func hrefs(out string) []string {
	var urls []string
	for _, m := range urlAttr.FindAllStringSubmatch(out, -1) {
		urls = append(urls, strings.NewReplacer("&amp;", "&", "&#43;", "+").Replace(m[1]))
	}
	return urls
}
