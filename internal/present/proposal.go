package present

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/atom"
	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// ProposalItem is a proposal as lists show it, in l's words.
func (m *Model) ProposalItem(l *i18n.Lang, p *review.Proposal) theme.ProposalItem {
	item := theme.ProposalItem{
		ID: p.ID, Title: p.Title, State: string(p.State), Author: p.Author.Name,
		Unverified: !p.Pushed && !pages.IsAccountEmail(p.Author.Email),
		Created:    p.Created, Updated: p.Updated, Comments: len(p.Comments), Pushed: p.Pushed,
		Page: theme.PageRef{Title: p.Page.Title(), Page: p.Page},
	}
	if pg, ok := m.Site.Page(p.Page); ok {
		item.Page.Title = pg.Title
	}
	if item.Title == "" {
		item.Title = l.T("title.proposal_untitled", "ID", strconv.Itoa(p.ID))
	}
	return item
}

// Proposals lists proposals by state, newest first as given.
func (m *Model) Proposals(o Output, list []*review.Proposal) *theme.ProposalsView {
	v := &theme.ProposalsView{Base: m.BaseT(o, "", "title.proposals")}
	v.NoIndex = true
	for _, p := range list {
		item := m.ProposalItem(v.I18n, p)
		switch p.State {
		case review.Merged:
			v.Merged = append(v.Merged, item)
		case review.Rejected:
			v.Rejected = append(v.Rejected, item)
		default:
			v.Open = append(v.Open, item)
		}
	}
	return v
}

// Proposal is one proposal with its diff per file, the proposed page
// rendered (preview), and its comments.
func (m *Model) Proposal(o Output, p *review.Proposal, files []review.FileDiff, preview template.HTML) *theme.ProposalView {
	b := m.BaseT(o, "", "title.proposal", "ID", strconv.Itoa(p.ID), "Title", p.Title)
	if p.Title == "" {
		b.Title = b.I18n.T("title.proposal_untitled", "ID", strconv.Itoa(p.ID))
	}
	v := &theme.ProposalView{
		Base:      b,
		Proposal:  m.ProposalItem(b.I18n, p),
		Branch:    strings.TrimPrefix(p.Branch, "refs/heads/"),
		BaseRev:   p.Base,
		HeadRev:   p.Head,
		DecidedBy: p.DecidedBy,
		DecidedAt: p.DecidedAt,
		Reason:    p.Reason,
		MergedAs:  p.MergedAs,
		Preview:   preview,
	}
	v.NoIndex = true
	for _, c := range p.Comments {
		v.Comments = append(v.Comments, theme.ProposalComment{Author: c.Author, Maintainer: c.Maintainer, Unverified: !c.Maintainer && !c.Account, Date: c.Date, Text: c.Text})
	}
	for _, f := range files {
		pf := theme.ProposalFile{Path: f.Path, Added: f.Added, Deleted: f.Deleted, Binary: f.Binary}
		if name, ok := wikipath.FromFile(f.Path); ok {
			pf.Page, pf.IsPage = name, true
		}
		if !f.Binary {
			pf.Rows = DiffRows(f.Old, f.New)
		}
		v.Files = append(v.Files, pf)
	}
	return v
}

// ProposalsFeedLinks are the addresses the open-proposals feed writes.
type ProposalsFeedLinks struct {
	Self, List string
	Proposal   func(id int) string
}

// ProposalsFeed is an Atom feed of open proposals, so maintainers learn of
// new ones in their feed reader.
func (m *Model) ProposalsFeed(l ProposalsFeedLinks, list []*review.Proposal) *atom.Feed {
	tr := m.siteLang()
	f := &atom.Feed{
		Title:   tr.T("feed.proposals_title", "Site", m.Site.Settings.Title),
		ID:      l.List,
		Updated: rfc3339(epoch),
		Links:   []atom.Link{{Href: l.Self, Rel: "self", Type: "application/atom+xml"}, {Href: l.List}},
	}
	for _, p := range list {
		if p.State != review.Open {
			continue
		}
		if u := rfc3339(p.Updated); u > f.Updated {
			f.Updated = u
		}
		href := l.Proposal(p.ID)
		f.Entries = append(f.Entries, atom.Entry{
			Title:   tr.T("title.proposal", "ID", strconv.Itoa(p.ID), "Title", p.Title),
			ID:      href,
			Updated: rfc3339(p.Updated),
			Author:  atom.Author{Name: p.Author.Name},
			Links:   []atom.Link{{Href: href}},
			Summary: tr.T("feed.proposal_summary", "Page", string(p.Page), "Author", p.Author.Name),
		})
	}
	return f
}
