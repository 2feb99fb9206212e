package theme

import (
	"html/template"
	"time"

	"github.com/gitwiki/gitwiki/internal/i18n"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Links builds every URL a template writes. The server answers with absolute
// paths; the static export answers with paths relative to the current page and
// returns "" for actions a static site cannot offer, which templates hide.
type Links interface {
	Page(p wikipath.Page) string
	// Asset is the URL of a theme asset by its source name ("style.css").
	Asset(name string) string
	// File is the URL of an attachment by its content path.
	File(path string) string
	// Action is the URL of a wiki action (see the Action constants); p is
	// the page for the actions that take one. "" means the action is not
	// available here, and templates hide it.
	Action(a Action, p wikipath.Page) string
	// Tag is the URL listing the pages of one tag or category (kind is "tag"
	// or "category"). "" hides tag links.
	Tag(kind, name string) string
	// Diff is the URL comparing page p between two commits. "" hides it.
	Diff(p wikipath.Page, from, to string) string
	// PageAt is the URL of page p as it was at commit rev. "" hides it.
	PageAt(p wikipath.Page, rev string) string
	// EditSection is the editor of section n of page p alone (numbered as
	// render.Sections numbers them). "" hides it.
	EditSection(p wikipath.Page, n int) string
	// Translate is the editor of a new translation of page p into lang.
	// "" hides it (the export, a wiki closed to edits).
	Translate(p wikipath.Page, lang string) string
	// Proposal is the URL of proposal id; action "" is its page, or one of
	// "comment", "merge", "reject". "" hides proposal links (static export).
	Proposal(id int, action string) string
}

// Action names a wiki action a template links to. Templates write them as
// strings ({{.Links.Action "edit" .Page}}); a test checks every one they
// write is among these.
type Action string

// The actions. Those marked (page) take the page they act on.
const (
	ActionEdit    Action = "edit"     // (page) the editor; the export links the live wiki's, if it has one
	ActionHistory Action = "history"  // (page) commits that changed it
	ActionRaw     Action = "raw"      // (page) its markdown source
	ActionDiff    Action = "diff"     // (page) target of the compare form, which sends from= and to=
	ActionMove    Action = "move"     // (page) rename it
	ActionDelete  Action = "delete"   // (page) delete it
	ActionPreview Action = "preview"  // (page, may be "") the editor's live preview
	ActionUpload  Action = "upload"   // (page) a file pasted or dropped into the editor
	ActionEditRaw Action = "edit-raw" // (page) the editor with the whole file, front matter included, in one box
	ActionNew     Action = "new"      // the editor of a page still to be named

	ActionHome   Action = "home"
	ActionPages  Action = "pages"
	ActionRecent Action = "recent"
	ActionSearch Action = "search"
	// ActionSuggest answers the header box's suggestions as JSON; the
	// export has none.
	ActionSuggest Action = "suggest"
	ActionFeed    Action = "feed"
	// ActionPageFeed is (page) the Atom feed of one page's changes, or of
	// a folder's pages; the export has none.
	ActionPageFeed      Action = "page-feed"
	ActionTags          Action = "tags"
	ActionProposals     Action = "proposals"
	ActionProposalsFeed Action = "proposals-feed"
	ActionCheck         Action = "check" // the link and page report, for maintainers
	// ActionTranslations is the report of translations behind their source.
	ActionTranslations Action = "translations"
	// ActionLang is the target of the interface-language picker, a POST
	// form that sets a cookie. The export has none.
	ActionLang Action = "lang"

	// Account actions; logout is a POST form. The export has none.
	ActionLogin  Action = "login"
	ActionLogout Action = "logout"
	ActionSetup  Action = "setup"

	// ActionSearchIndex is the static export's offline search index, a
	// script the search page loads.
	ActionSearchIndex Action = "searchindex"
)

// Actions lists every action, for tests of templates and link schemes.
var Actions = []Action{ActionEdit, ActionHistory, ActionRaw, ActionDiff, ActionMove, ActionDelete, ActionPreview, ActionUpload, ActionEditRaw, ActionNew,
	ActionHome, ActionPages, ActionRecent, ActionSearch, ActionSuggest, ActionFeed, ActionPageFeed, ActionTags, ActionProposals, ActionProposalsFeed, ActionCheck,
	ActionLogin, ActionLogout, ActionSetup, ActionSearchIndex, ActionTranslations, ActionLang}

// Site is the part of wiki.yaml a template shows.
type Site struct {
	Title       string
	Description string
	Language    string
	License     string // e.g. "CC BY-SA 4.0"
	LicenseURL  string
	Footer      string // wiki.yaml footer: one line of plain text
	Revision    string // short commit id of what is shown
	// Multilingual is set when the wiki is written in more than one
	// language: the footer links the translations report.
	Multilingual bool
}

// NavItem is one node of the sidebar tree.
type NavItem struct {
	Title    string
	Page     wikipath.Page
	Current  bool // this is the page being shown
	Open     bool // current page is inside this folder
	Children []*NavItem
	// More, on the last item of a folder's list (the first, when
	// Earlier), says that many entries are left out of the sidebar after
	// (before) those listed: the item links to the folder (Page; Root for
	// the wiki's top level, whose entries the page list shows).
	More    int
	Earlier bool
}

// PageRef is a link to a page by title.
type PageRef struct {
	Title string
	Page  wikipath.Page
}

// Change is one commit as a reader sees it.
type Change struct {
	Hash   string // full
	Short  string
	Author string
	// Unverified: the author is a name typed by someone without an
	// account, which anyone could type; templates say so next to it.
	Unverified bool
	// Reviewer is the maintainer who merged a proposal, when Author names
	// the proposal's authors (from the merge's Co-authored-by trailers).
	Reviewer string
	Date     time.Time
	Summary  string // first line of the message
	Parent   string // first parent, "" for a root commit
	Pages    []PageRef
	Files    []string // changed attachments and other files
}

// Base is shared by every view.
type Base struct {
	// I18n is the language the view is written in: the page's, or the
	// reader's choice. Templates translate with it (t, date, num); <html
	// lang dir> follow it.
	I18n *i18n.Lang
	// Picker lists the interface languages a reader can choose, on views
	// whose language follows the reader's choice (search, all pages, a
	// new page's editor); empty on a page, which speaks its own. Chosen is
	// the reader's choice ("" for their browser's).
	Picker []LangOption
	Chosen string
	Site   Site
	Links  Links
	Nav    []*NavItem
	// NavHTML, when set, is shown instead of rendering Nav: a caller that
	// shows the same tree on many pages renders it once with RenderNav.
	NavHTML template.HTML
	Sidebar template.HTML // rendered _Sidebar.md, shown above Nav when set
	Footer  template.HTML // rendered _Footer.md
	Title   string        // the document title, before " · site title"
	Query   string        // search box value
	Static  bool          // rendered by the static export
	NoIndex bool          // ask robots not to index (old revisions, diffs)
	// User is the logged-in account's name, "" for an anonymous reader.
	User       string
	Maintainer bool // User is a maintainer
	// Notice is a short confirmation shown at the top of the main content
	// in a role="status" banner, e.g. "Your change was published." after a
	// redirect with ?saved=1. Plain text; "" shows nothing.
	Notice string
	// Here is this view's address, for forms that come back to it (the
	// language picker); "" in the export.
	Here string
	// Waiting counts the open proposals, shown to maintainers in the
	// header; 0 for everyone else.
	Waiting int
	// Upstream, shown to maintainers only, says that the wiki's branch and
	// its upstream's conflict, so edits are held as proposals until a
	// person reconciles them; nil shows nothing.
	Upstream *UpstreamNotice
	// Address is Here for the printed page's header: absolute when the
	// server knows its public URL (--base-url), else the path; "" in the
	// export. Never built from the request's Host, which a client chooses.
	Address string
	// Parts, when set, lets the layout render the partials it marks
	// "cached" (the site header and footer) once for every view of the
	// same kind and language; the export sets one per link scheme. nil
	// renders them for every view.
	Parts *Parts
}

// UpstreamNotice is what a maintainer needs to reconcile a wiki whose
// branch and upstream diverged.
type UpstreamNotice struct {
	Conflicts []string // files both sides changed in overlapping ways
	Commands  []string // the shell commands that reconcile them, in order
}

// LangOption is one language of the interface-language picker.
type LangOption struct {
	Tag      string
	Selected bool
}

// Language is the view's language, for Execute.
func (b *Base) Language() *i18n.Lang { return b.I18n }

func (b *Base) setLanguage(l *i18n.Lang) { b.I18n = l }

func (b *Base) parts() *Parts { return b.Parts }

// PageView shows one page.
type PageView struct {
	Base
	Page        wikipath.Page
	Doc         *render.Document
	TOC         []*TOCItem
	Breadcrumbs []PageRef // from the home page down to the parent
	LastChange  *Change
	Rev         string // set when showing a past revision
	Backlinks   []PageRef
	// BacklinksPending: the pages linking here are still being worked out
	// (the server is reading the wiki), so none are listed yet.
	BacklinksPending bool
	Children         []PageRef // pages in this folder, for folder pages
	Translations     []Translation
	// Translation is how this page stands as a translation of its source;
	// nil on a source page and on pages without translations.
	Translation *TranslationState
	// Untranslated are the wiki's languages this page has no translation
	// into, to offer "Translate into …" links.
	Untranslated []string
	// Proposals are the open proposals that change this page, so a reader
	// about to propose a change sees them first; none in the export.
	Proposals []ProposalItem
}

// TranslationState is a translation compared with its source page.
type TranslationState struct {
	Source     PageRef
	SourceLang string
	Outdated   bool
	// DiffURL shows what the source changed since the revision the
	// translation follows; "" when unknown or in the export.
	DiffURL                 string
	Commits, Added, Deleted int
	// Problem says why translationOf was set aside, for maintainers.
	Problem string
}

// TranslationsView is the report of every language's translations.
type TranslationsView struct {
	Base
	SourceLang string
	Languages  []LanguageTranslations
	Findings   []CheckItem
}

// LanguageTranslations is one language's column of the report.
type LanguageTranslations struct {
	Lang                        string
	UpToDate, Outdated, Missing []TranslationRow
}

// TranslationRow is one source page and its translation into a language.
type TranslationRow struct {
	Source      PageRef
	Translation PageRef // zero when missing
	Commits     int
	Added       int
	Deleted     int
	DiffURL     string // what the translation lacks, when outdated
}

// TOCItem is a nested table of contents entry.
type TOCItem struct {
	ID       string
	Text     string
	Children []*TOCItem
}

// Translation is the same page in another language.
type Translation struct {
	Lang string
	Page wikipath.Page
}

// HistoryView lists the commits that touched a page.
type HistoryView struct {
	Base
	Page    wikipath.Page
	Entries []Change
}

// DiffView compares a page at two revisions.
type DiffView struct {
	Base
	Page     wikipath.Page
	From, To Change
	Rows     []DiffRow
	Unified  bool
	Same     bool // the two revisions have the same text
}

// DiffRow is one line pair of a side-by-side diff. Left and Right are escaped
// text with changed words wrapped in <del> and <ins>.
type DiffRow struct {
	Kind      string // "equal", "add", "del", "change", "skip" (a folded run of equal lines)
	LeftNum   int    // 0 when there is no left line
	RightNum  int
	Left      template.HTML
	Right     template.HTML
	SkipCount int // for "skip"
}

// PagesView lists every page by folder.
type PagesView struct {
	Base
	Tree  []*NavItem
	Count int
}

// RecentView lists recent changes across the wiki.
type RecentView struct {
	Base
	Entries []Change
}

// TagView lists the pages with one tag or category; with Tag empty it lists
// every tag and category with counts.
type TagView struct {
	Base
	Kind  string // "tag" or "category"
	Tag   string
	Pages []PageRef
	All   []TagCount
}

// TagCount is one tag and how many pages carry it.
type TagCount struct {
	Kind  string
	Name  string
	Count int
}

// CheckView is the link and page report for maintainers: errors, then
// warnings, each with the page it is about when that page exists.
type CheckView struct {
	Base
	Errors   []CheckItem
	Warnings []CheckItem
}

// CheckItem is one finding.
type CheckItem struct {
	File    string
	Line    int
	Page    wikipath.Page // the page the file is
	Linked  bool          // that page exists: link to it
	Message string
}

// SearchView shows search results, or the search page of the export.
type SearchView struct {
	Base
	Results []SearchResult
	Total   int // pages matching in all
	Page    int // this result page, from 1
	Pages   int // result pages in all
	// PrevURL and NextURL lead to the neighbouring result pages; "" at the ends.
	PrevURL, NextURL string
	// CatchingUp: the index is behind the wiki's newest changes.
	// TitlesOnly: the index is not ready yet, and only titles were matched.
	CatchingUp, TitlesOnly bool
	// Problem says why the query was not understood.
	Problem string
	// Folder, Tag and Lang are the filters given as form fields.
	Folder, Tag, Lang string
	// AZ lists every page by the first letter of its title: the export's
	// search page shows it to readers without JavaScript.
	AZ []AZLetter
}

// SearchResult is one hit. Snippet is escaped text with matches in <mark>.
type SearchResult struct {
	PageRef
	Lang    string
	Crumbs  []PageRef // the folders above the page
	Snippet template.HTML
}

// AZLetter is one letter of the A–Z index, "#" for titles without one.
type AZLetter struct {
	Letter string
	Pages  []PageRef
}

// ErrorView is every error page, 404 included.
type ErrorView struct {
	Base
	Status      int
	Heading     string
	Message     string
	Suggestions []PageRef     // near matches for a missing page
	Create      wikipath.Page // offered as "create this page" when CanCreate
	CanCreate   bool
}

// LoginView is the login form. The password is never carried back.
type LoginView struct {
	Base
	Username string // kept after a failed attempt
	Next     string // local path to return to after logging in
	Error    string // why the last attempt failed
}

// SetupView creates the first maintainer, reached through the one-time link
// the server prints on a fresh data directory.
type SetupView struct {
	Base
	Token    string // the one-time token, carried in a hidden field
	Username string
	Error    string
	Command  string // the command-line alternative, e.g. "gitwiki user add NAME --maintainer --data data"
}
