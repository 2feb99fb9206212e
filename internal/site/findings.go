package site

import (
	"github.com/gitwiki/gitwiki/internal/i18n"
)

// findings are the English of every check finding, by key, as
// {{.Name}} templates; a finding counted by pages or commits has a "one"
// and an "other" form. The theme's catalog holds the same sentences as
// finding.<key> (plural ones as tables) in every language it speaks, and
// a test holds the English equal. gitwiki check prints the English; the
// web says the catalog's in the reader's language.
var findings = map[string][2]string{
	"settings":            {"", "{{.Problem}}"},
	"render":              {"", "{{.Warning}}"},
	"catalog":             {"", "this catalog is not used: {{.Error}}"},
	"link_bad_name":       {"", "link to {{.Link}}: not a possible page name"},
	"link_missing":        {"", "link to {{.Link}}: no such page"},
	"link_no_heading":     {"", "link to {{.Link}}#{{.Fragment}}: that page has no such heading"},
	"file_missing":        {"", "link to {{.File}}: no such file"},
	"offsite":             {"", "loads from other hosts ({{.Hosts}}): the server and the export block it, and it would tell those hosts who reads the page"},
	"alias_bad":           {"", "alias \"{{.Alias}}\" is not a possible address"},
	"alias_page":          {"", "alias \"{{.Alias}}\" is the name of a page, which wins: the alias leads nowhere"},
	"alias_twice":         {"", "alias \"{{.Alias}}\" is also an alias of {{.File}}"},
	"no_title":            {"", "no title: give it a title in front matter or a first # heading; it is shown as \"{{.Title}}\""},
	"orphan":              {"", "no page links here (an orphan): readers find it only in the page list"},
	"wanted":              {"wanted page: {{.Count}} page links to it ({{.From}})", "wanted page: {{.Count}} pages link to it ({{.From}})"},
	"lang_bad":            {"", "lang \"{{.Raw}}\" is not a language tag such as en, es or pt-BR; the page is shown as {{.Lang}}"},
	"lang_duplicate":      {"", "{{.Other}} is already the {{.Lang}} version of \"{{.Key}}\"; this page is not linked to its translations"},
	"translation_of":      {"", "{{.Problem}}"},
	"outdated":            {"the {{.Lang}} translation is {{.Count}} change behind {{.Source}} (+{{.Added}} −{{.Deleted}} lines)", "the {{.Lang}} translation is {{.Count}} changes behind {{.Source}} (+{{.Added}} −{{.Deleted}} lines)"},
	"translation_missing": {"", "no {{.Lang}} translation"},
}

// FindingMessages are the English findings by catalog key, for the test
// that holds the catalog to them: finding.<key>, or for a counted one
// finding.<key>.one and .other.
func FindingMessages() map[string]string {
	out := make(map[string]string, len(findings))
	for k, v := range findings {
		if v[0] == "" {
			out["finding."+k] = v[1]
			continue
		}
		out["finding."+k+".one"], out["finding."+k+".other"] = v[0], v[1]
	}
	return out
}

// said fills in a finding's sentence: its key and arguments for the
// catalog, and its English. count, when not negative, chooses the plural
// form and is {{.Count}}.
func said(key string, count int, args ...any) (string, []any, string) {
	forms := findings[key]
	text := forms[1]
	if count >= 0 {
		if count == 1 && forms[0] != "" {
			text = forms[0]
		}
		args = append([]any{"Count", count}, args...)
	}
	english := i18n.Fill(text, args...)
	if count >= 0 {
		args = append([]any{count}, args[2:]...) // the catalog takes the count bare
	}
	return "finding." + key, args, english
}

// Say is the finding in the catalog's words: the web's report says it in
// the reader's language, gitwiki check its English Message.
func (f Finding) Say() (string, []any, string) { return f.Key, f.Args, f.Message }

// with is f with its sentence said.
func (f Finding) with(key string, count int, args ...any) Finding {
	f.Key, f.Args, f.Message = said(key, count, args...)
	return f
}
