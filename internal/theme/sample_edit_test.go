package theme

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

const sampleMarkdown = `---
title: Mapping information assets
tags: [activity, risk-assessment, workshop]
category: Activities
---
This activity helps a group see **what information it holds**, where that information
lives and who can reach it. See also [[Threat modelling with a timeline]].

## Before the session

- Agree with the organisation's lead who will be in the room.
- [x] Book a room without cameras
- [ ] Prepare sticky notes in three colours

> Never write down names of sources or at-risk people on the map. Use roles
> ("field researcher"), not names.

## Running the activity

| Information | Where it lives | Who can reach it |
|---|---|---|
| Donor contracts | Shared drive | Finance team |
`

// sampleFrontMatter is sampleMarkdown's front matter, which the editor
// shows as fields.
var sampleFrontMatter = sampleMarkdown[:strings.Index(sampleMarkdown, "---\nThis activity")+4]

const sampleConflict = `## Before the session

<<<<<<< your edit
- Agree with the organisation's lead who will be in the room, and who must not be.
=======
- Agree with the organisation's director who will be in the room.
>>>>>>> the current version
- [x] Book a room without cameras
`

const sampleReviseURL = "/-/edit/Facilitation/Activities/Mapping%20information%20assets?proposal=9&token=k3J9xQ2mVb7LwT4s"

func sampleProposalItems() (open, merged, rejected []ProposalItem) {
	page := PageRef{Title: "Mapping information assets", Page: samplePage}
	open = []ProposalItem{
		{ID: 9, Title: "Add a note on not writing down names of sources", State: "open", Author: "Amina Yusuf",
			Created: sampleDate(14, 16), Updated: sampleDate(15, 9), Page: page, Comments: 2},
		{ID: 8, Title: "Translate the glossary entry for “threat”", State: "open", Author: "Anonymous",
			Created: sampleDate(12, 11), Updated: sampleDate(12, 11), Page: PageRef{Title: "Glossary", Page: "Glossary"}},
		{ID: 7, Title: "Restructure the incident response guide", State: "open", Author: "Luis Ortega",
			Created: sampleDate(10, 8), Updated: sampleDate(11, 8), Comments: 1, Pushed: true,
			Page: PageRef{Title: "Incident response first steps", Page: "Guides/Incident response first steps"}},
	}
	merged = []ProposalItem{
		{ID: 6, Title: "Fix the link to the account recovery checklist", State: "merged", Author: "Kemal",
			Created: sampleDate(3, 10), Updated: sampleDate(4, 12), Comments: 1,
			Page: PageRef{Title: "Account recovery", Page: "Guides/Account recovery"}},
	}
	return open, merged, nil
}

// sampleEditViews returns the editing and review views with realistic data.
func sampleEditViews(tb testing.TB, l Links) map[string]any {
	tb.Helper()
	base := func(title string) Base {
		b := sampleBase(l, title)
		b.NoIndex = true
		return b
	}
	open, merged, rejected := sampleProposalItems()
	reviseURL := sampleReviseURL
	if f, ok := l.(*fakeLinks); ok {
		f.rec(reviseURL)
	}
	return map[string]any{
		"edit": &EditView{
			Base:        base("Editing Mapping information assets"),
			Page:        samplePage,
			PageTitle:   "Mapping information assets",
			Content:     sampleMarkdown[len(sampleFrontMatter):],
			Fields:      &EditFields{Tags: "activity, risk-assessment, workshop", Category: "Activities"},
			FrontMatter: sampleFrontMatter,
			Summary:     "Add a note on sources",
			BaseRev:     sampleHashA,
			Policy:      "review",
			Honeypot:    "website",
			MaxUpload:   5 << 20,
			Accept:      "image/png,image/jpeg,image/gif,image/webp,application/pdf",
		},
		"move": &MoveView{
			Base:      base("Move Mapping information assets"),
			Page:      samplePage,
			PageTitle: "Mapping information assets",
			BaseRev:   sampleHashA,
			Backlinks: []PageRef{
				{Title: "Planning a session", Page: "Facilitation/Planning a session"},
				{Title: "Welcome to Safer Together", Page: wikipath.Root},
			},
			Policy:   "review",
			Honeypot: "website",
		},
		"delete": &MoveView{
			Base:      base("Delete Mapping information assets"),
			Page:      samplePage,
			PageTitle: "Mapping information assets",
			BaseRev:   sampleHashA,
			Backlinks: []PageRef{
				{Title: "Planning a session", Page: "Facilitation/Planning a session"},
				{Title: "Welcome to Safer Together", Page: wikipath.Root},
			},
			Policy:   "review",
			Honeypot: "website",
		},
		"proposals": &ProposalsView{
			Base: base("Proposals"),
			Open: open, Merged: merged, Rejected: rejected,
			GitURL: "https://wiki.example.org/-/git",
		},
		"proposal": &ProposalView{
			Base:     base("Proposal #9: Add a note on not writing down names of sources"),
			Proposal: open[0],
			Branch:   "proposals/9",
			BaseRev:  sampleHashB,
			HeadRev:  sampleHashA,
			Files: []ProposalFile{
				{Path: "Facilitation/Activities/Mapping information assets.md", Page: samplePage, IsPage: true, Rows: sampleDiffRows()},
				{Path: "Facilitation/Activities/asset-map.png", Added: true, Binary: true},
			},
			Preview: sampleHTML(tb),
			Comments: []ProposalComment{
				{Author: "Luis Ortega", Date: sampleDate(14, 18), Text: "Thanks! Could you also say what to do with the map after the session?\nWe shred ours."},
				{Author: "Maria", Maintainer: true, Date: sampleDate(15, 9), Text: "Looks good to me. I will merge it once the second point is in."},
			},
			CanRevise: true,
			ReviseURL: reviseURL,
			Honeypot:  "website",
			GitURL:    "https://wiki.example.org/-/git",
		},
	}
}

// sampleVariant is a view in a state worth its own golden file and screenshot.
type sampleVariant struct {
	view string
	data any
}

// sampleEditVariants returns the editing and review views in their other
// states: a new page, a conflict, a maintainer, a decided proposal...
func sampleEditVariants(tb testing.TB, l Links) map[string]sampleVariant {
	tb.Helper()
	// Each call builds fresh views, so variants do not share state.
	clone := func(name string) any { return sampleEditViews(tb, l)[name] }

	newPage := clone("edit").(*EditView)
	newPage.Title = "New page"
	newPage.Page, newPage.New, newPage.AskPath = "", true, true
	newPage.Path, newPage.PageTitle = "Guides/Secure messaging", "Secure messaging"
	newPage.Content = "# Secure messaging\n\nWhich app to use when, and how to set it up.\n\n![Settings screen](settings.png)\n"
	newPage.BaseRev, newPage.Summary = "", ""
	newPage.Templates = []PageRef{{Title: "Activity", Page: "_templates/Activity"}, {Title: "Guide", Page: "_templates/Guide"}}
	newPage.Template = "_templates/Guide"
	newPage.Policy = "open"
	newPage.Previewed, newPage.Preview = true, template.HTML("<p>Which app to use when, and how to set it up.</p>\n<p><img src=\"/Guides/settings.png\" alt=\"Settings screen\"></p>")
	newPage.Problem, newPage.ProblemField = "A page called “Guides/Secure messaging” already exists. Choose another name.", "path"
	newPage.Fields, newPage.FrontMatter = &EditFields{}, ""
	newPage.Attachments = []PendingFile{{Name: "settings.png", Data: "iVBORw0KGgo=", Size: 184320, Markdown: "![settings](settings.png)"}}
	newPage.Name, newPage.Email = "Rosa", ""
	if f, ok := l.(*fakeLinks); ok {
		f.rec("/Guides/settings.png")
	}

	conflict := clone("edit").(*EditView)
	conflict.Content = sampleConflict
	conflict.Conflict = &EditConflict{
		Mine:    "## Before the session\n\n- Agree with the organisation's lead who will be in the room, and who must not be.\n",
		Theirs:  "## Before the session\n\n- Agree with the organisation's director who will be in the room.\n",
		Regions: 1,
	}
	conflict.Notes = []string{"A <script> element: scripts never run on wiki pages.", "An onclick attribute on a link."}

	maintainer := clone("edit").(*EditView)
	maintainer.Maintainer = true
	maintainer.Propose = false

	revising := clone("edit").(*EditView)
	revising.Proposal, revising.Token = 9, "k3J9xQ2mVb7LwT4s"

	deleted := clone("edit").(*EditView)
	deleted.Conflict = &EditConflict{Deleted: true, Mine: sampleMarkdown}

	opened := clone("proposal").(*ProposalView)
	opened.JustOpened = true
	opened.Proposal.Comments = 0
	opened.Comments = nil

	review := clone("proposal").(*ProposalView)
	review.Maintainer = true
	review.CanRevise, review.ReviseURL = false, ""
	review.Problem = "The proposal could not be merged: the same lines were changed on the wiki since it was made."
	review.Conflict = &MergeConflictView{Head: sampleHashC, Files: []ConflictFile{
		{Path: "Facilitation/Activities/Mapping information assets.md", Merged: sampleConflict, Blocks: []ConflictBlock{{
			Before:   "## Before the session\n\n",
			Proposal: "- Agree with the organisation's lead who will be in the room, and who must not be.\n",
			Main:     "- Agree with the organisation's director who will be in the room.\n",
			Edited:   "- Agree with the organisation's lead who will be in the room, and who must not be.\n",
		}}},
		{Path: "Facilitation/Activities/asset-map.png", Binary: true},
	}}

	review.Standing = &ProposalStanding{
		Conflicts: []string{"Facilitation/Activities/Mapping information assets.md"},
		Overlaps: []ProposalOverlap{{Proposal: ProposalItem{ID: 11, Title: "Shorter checklist", Author: "Quiet Otter", State: "open"},
			Paths: []string{"Facilitation/Activities/Mapping information assets.md"}, Conflicts: true}},
	}

	maintainerP := clone("proposal").(*ProposalView)
	maintainerP.Maintainer, maintainerP.User, maintainerP.Base.Maintainer = true, "maria", true
	maintainerP.CanRevise, maintainerP.ReviseURL = false, ""

	mergedP := clone("proposal").(*ProposalView)
	mergedP.Proposal.State = "merged"
	mergedP.DecidedBy, mergedP.DecidedAt, mergedP.MergedAs = "Maria", sampleDate(16, 10), sampleHashC
	mergedP.CanRevise = false

	rejectedP := clone("proposal").(*ProposalView)
	rejectedP.Proposal.State = "rejected"
	rejectedP.DecidedBy, rejectedP.DecidedAt = "Maria", time.Date(2025, time.March, 16, 10, 0, 0, 0, time.UTC)
	rejectedP.Reason = "This duplicates the note in “Safer workshops”. Please add it there instead."
	rejectedP.CanRevise = false

	del := clone("delete").(*MoveView)
	del.Maintainer = true
	del.Problem, del.ProblemField = "Say why the page should be deleted.", "summary"

	return map[string]sampleVariant{
		"edit-new":            {"edit", newPage},
		"edit-conflict":       {"edit", conflict},
		"edit-maintainer":     {"edit", maintainer},
		"edit-revise":         {"edit", revising},
		"edit-deleted":        {"edit", deleted},
		"proposal-opened":     {"proposal", opened},
		"proposal-conflict":   {"proposal", review},
		"proposal-maintainer": {"proposal", maintainerP},
		"proposal-merged":     {"proposal", mergedP},
		"proposal-rejected":   {"proposal", rejectedP},
		"delete-maintainer":   {"delete", del},
	}
}
