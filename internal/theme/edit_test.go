package theme

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	formTag   = regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
	fieldName = regexp.MustCompile(`<(?:input|textarea|select|button)\b[^>]*\sname="([^"]*)"`)
)

// formWith returns the one form in out whose opening tag contains attr.
func formWith(t *testing.T, out, attr string) string {
	t.Helper()
	var found []string
	for _, f := range formTag.FindAllString(out, -1) {
		if open := f[:strings.IndexByte(f, '>')+1]; strings.Contains(open, attr) {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("found %d forms with %q, want 1", len(found), attr)
	}
	return found[0]
}

// fieldNames lists the names of a form's fields, sorted and without repeats.
func fieldNames(form string) []string {
	seen := map[string]bool{}
	var names []string
	for _, m := range fieldName.FindAllStringSubmatch(form, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	sort.Strings(names)
	return names
}

func checkNames(t *testing.T, form string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := fieldNames(form); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("form fields = %q, want %q", got, want)
	}
}

func checkOutput(t *testing.T, out string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(out, w) {
			t.Errorf("output contains %q", w)
		}
	}
}

// fieldsMode are the fields of an editor that shows the front matter as
// fields: the title and the others, and the block as loaded.
var fieldsMode = []string{"fields", "frontmatter", "title", "description", "tags", "category", "lang", "weight"}

// TestEditForm checks the editor's form contract: the fields the edit
// handler reads, under their exact names.
func TestEditForm(t *testing.T) {
	th := MustLoadDefault(t)
	l := newFakeLinks("server")
	out := mustExecute(t, th, "edit", sampleEditViews(t, l)["edit"])
	form := formWith(t, out, `class="edit-form"`)
	checkOutput(t, form, []string{
		`<form class="edit-form" method="post" action="/-/edit/Facilitation/Activities/Mapping%20information%20assets" enctype="multipart/form-data" data-i18n-lang="en"`, `data-preview-url="/-/preview" data-upload-url="/-/upload/Facilitation/Activities/Mapping%20information%20assets">`,
		`<input type="hidden" name="fields" value="1">`,
		"<input type=\"hidden\" name=\"frontmatter\" value=\"---\ntitle: Mapping information assets\ntags: [activity, risk-assessment, workshop]\ncategory: Activities\n---\n\">",
		`<input type="text" id="edit-tags" name="tags" value="activity, risk-assessment, workshop"`,
		`<input type="text" id="edit-category" name="category" value="Activities"`,
		`<details class="disclosure edit-details" open>`,
		`Edit the whole file</a>`,
		`<input type="hidden" name="base" value="` + sampleHashA + `">`,
		`<label for="edit-title">Title</label>`,
		`<label for="edit-content">Text`,
		`<textarea class="edit-input" dir="auto" id="edit-content" name="content" rows="24"`,
		"<textarea class=\"edit-input\" dir=\"auto\" id=\"edit-content\" name=\"content\" rows=\"24\" >\nThis activity helps",
		`<details class="syntax-help">`, `[[Other page]]`, `## Heading`, `| Name | Role |`, `![what it shows](photo.png)`,
		`<label for="edit-summary">What did you change?</label>`,
		`A pseudonym is fine.`, `anyone can read`,
		`<input type="file" id="edit-attachment" name="attachment" accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"`,
		`Images and PDF files, up to 5 MB each.`,
		"<div class=\"hp\" aria-hidden=\"true\">\n<label for=\"hp-field\">Leave this empty</label>\n<input type=\"text\" id=\"hp-field\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\">",
		`<button class="button" type="submit" name="action" value="preview">Preview</button>`,
		`<button class="button button-primary" type="submit" name="action" value="save">Propose change</button>`,
		`<a class="button button-quiet" href="/Facilitation/Activities/Mapping%20information%20assets">Cancel</a>`,
	}, []string{`name="propose"`, `name="path"`, `name="proposal"`, `name="token"`, `name="section"`, `name="raw"`, `pending_name`, `aria-invalid`, `data-unsaved`})
	checkNames(t, form, append(fieldsMode, "base", "content", "attachment", "summary", "name", "email", "website", "action")...)
	checkOutput(t, out, []string{
		`A maintainer will review your change before it is published.`,
		`href="/-/move/Facilitation/Activities/Mapping%20information%20assets" rel="nofollow">Move or rename</a>`,
		`href="/-/delete/Facilitation/Activities/Mapping%20information%20assets" rel="nofollow">Delete this page</a>`,
		`<script src="/-/static/editor.js" defer></script>`,
		`<section class="edit-preview" id="edit-preview" hidden>`,
		// The pane scrolls beside the text: a named region the keyboard reaches.
		`<div class="preview-frame prose" role="region" aria-labelledby="edit-preview-h" tabindex="0">`,
	}, []string{`role="alert"`, `edit-preview-note`, `Start from a template`})
	if n := strings.Count(out, `class="edit-preview"`); n != 1 {
		t.Errorf("%d previews, want one", n)
	}
}

func TestEditVariants(t *testing.T) {
	th := MustLoadDefault(t)
	tests := []struct {
		name    string
		mode    string
		edit    func(*EditView)
		fields  []string // every field of the edit form, when set
		want    []string
		notWant []string
	}{
		{
			name:   "new page with a problem, a preview, a template and a file",
			mode:   "server",
			fields: append(fieldsMode, "base", "path", "content", "attachment", "pending_name", "pending_data", "summary", "name", "email", "website", "action"),
			want: []string{
				`<p class="eyebrow">New page</p>`,
				`<div class="callout callout-warning" role="alert" id="form-problem">`,
				`A page called “Guides/Secure messaging” already exists.`,
				`name="path" value="Guides/Secure messaging" required`,
				`aria-describedby="edit-path-help form-problem" aria-invalid="true"`,
				`<form class="template-form" method="get" action="/-/new">`,
				`<form class="edit-form" method="post" action="/-/new" enctype="multipart/form-data"`,
				`<input type="hidden" name="path" value="Guides/Secure messaging">`,
				`<label for="edit-template">Start from a template</label>`,
				`<option value="_templates/Guide" selected>Guide</option>`,
				`<h2 id="edit-preview-h">Preview <span class="badge badge-muted">not saved yet</span></h2>`,
				`<div class="callout callout-info edit-preview-note" role="status">`,
				`The preview is next to the text, or below it on a small screen. <a href="#edit-preview">Go to the preview</a>`,
				`<div class="field field-content" id="edit-text">`,
				`<section class="edit-preview" id="edit-preview">`,
				`<p class="edit-preview-back"><a href="#edit-content">Back to the text</a></p>`,
				`<img src="/Guides/settings.png" alt="Settings screen">`,
				`<input type="hidden" name="pending_name" value="settings.png">`,
				`<input type="hidden" name="pending_data" value="iVBORw0KGgo=">`,
				`<code>![settings](settings.png)</code>`, `180 KB`,
				`value="save">Publish</button>`,
				`<a class="button button-quiet" href="/">Cancel</a>`,
				`Your change is published as soon as you save it.`,
				` data-unsaved>`,
			},
			notWant: []string{`Move or rename`, `Delete this page`},
		},
		{
			name: "conflict",
			mode: "server",
			edit: func(v *EditView) {
				v.Content, v.Notes = sampleConflict, []string{"A <script> element."}
				v.Conflict = &EditConflict{Mine: "my text", Theirs: "their text", Regions: 2}
			},
			want: []string{
				`Someone else changed the same lines while you were editing.`,
				`holds both versions in 2 places`,
				"&lt;&lt;&lt;&lt;&lt;&lt;&lt; your edit\n- Agree",
				"=======\n- Agree with the organisation&#39;s director",
				"&gt;&gt;&gt;&gt;&gt;&gt;&gt; the current version\n",
				"<summary>Your text</summary>",
				"readonly aria-label=\"Your text, as you wrote it\">\nmy text</textarea>",
				"<summary>The current version</summary>",
				"readonly aria-label=\"The current version of the page\">\ntheir text</textarea>",
				`<strong>We removed some things from your text:</strong>`,
				`<li>A &lt;script&gt; element.</li>`,
			},
			notWant: []string{`deleted while you were editing`},
		},
		{
			name:    "deleted meanwhile",
			mode:    "server",
			edit:    func(v *EditView) { v.Conflict = &EditConflict{Deleted: true, Mine: "x"} },
			want:    []string{`This page was deleted while you were editing it.`, `the page will be created again`},
			notWant: []string{`<summary>Your text</summary>`},
		},
		{
			name:   "maintainer under review",
			mode:   "server",
			edit:   func(v *EditView) { v.Maintainer = true },
			fields: append(fieldsMode, "base", "content", "attachment", "summary", "propose", "website", "action"),
			want: []string{
				`<input type="checkbox" id="edit-propose" name="propose" value="1">`,
				`<label for="edit-propose">Propose this change for review instead of publishing it</label>`,
				`data-label-publish="Publish" data-label-propose="Propose change">Publish</button>`,
				`unless you choose to propose it for review`,
			},
		},
		{
			name: "maintainer who ticked propose",
			mode: "server",
			edit: func(v *EditView) { v.Maintainer, v.Propose = true, true },
			want: []string{`name="propose" value="1" checked>`, `>Propose change</button>`},
		},
		{
			name:    "open policy",
			mode:    "server",
			edit:    func(v *EditView) { v.Policy = "open" },
			want:    []string{`value="save">Publish</button>`},
			notWant: []string{`name="propose"`, `Propose change`},
		},
		{
			name:   "revising a proposal",
			mode:   "server",
			edit:   func(v *EditView) { v.Proposal, v.Token = 9, "tok3n" },
			fields: append(fieldsMode, "base", "proposal", "token", "content", "attachment", "summary", "name", "email", "website", "action"),
			want: []string{
				`<p class="eyebrow">Revising proposal #9</p>`,
				`<input type="hidden" name="proposal" value="9">`,
				`<input type="hidden" name="token" value="tok3n">`,
				`value="save">Update proposal</button>`,
			},
		},
		{
			name: "resolving a merge conflict",
			mode: "server",
			edit: func(v *EditView) { v.Resolving, v.Maintainer, v.Path = 9, true, "Guides/A.md" },
			want: []string{
				`action="/-/proposals/9/merge"`,
				`<input type="hidden" name="head" value="` + sampleHashA + `">`,
				`<input type="hidden" name="path" value="Guides/A.md">`,
				`value="save">Resolve and merge</button>`,
				`<a class="button button-quiet" href="/-/proposals/9">Cancel</a>`,
			},
			notWant: []string{`name="propose"`},
		},
		{
			name: "problem on the content",
			mode: "server",
			edit: func(v *EditView) { v.Problem, v.ProblemField = "The text is too long.", "content" },
			want: []string{`name="content" rows="24" aria-describedby="form-problem" aria-invalid="true">`},
		},
		{
			name: "one section",
			mode: "server",
			edit: func(v *EditView) {
				v.Fields, v.FrontMatter, v.Section, v.SectionTitle = nil, "", 2, "Before the session"
				v.Content = "## Before the session\n\n- Agree with the lead.\n"
			},
			fields: []string{"base", "section", "content", "attachment", "summary", "name", "email", "website", "action"},
			want: []string{
				`<p class="eyebrow">Editing a section</p>`,
				`You are editing the section “Before the session” only. <a href="/-/edit/Facilitation/Activities/Mapping%20information%20assets">Edit the whole page</a>`,
				`<input type="hidden" name="section" value="2">`,
				`<label for="edit-content">Text of the section “Before the session” <span class="optional">in Markdown</span></label>`,
				"name=\"content\" rows=\"24\" >\n## Before the session\n",
			},
			notWant: []string{`name="title"`, `edit-details`, `Edit the whole file`},
		},
		{
			name:   "the whole file, asked for",
			mode:   "server",
			edit:   func(v *EditView) { v.Fields, v.FrontMatter, v.Raw, v.Content = nil, "", true, sampleMarkdown },
			fields: []string{"base", "raw", "content", "attachment", "summary", "name", "email", "website", "action"},
			want: []string{
				`<input type="hidden" name="raw" value="1">`,
				`The text box holds the whole file, front matter included. <a href="/-/edit/Facilitation/Activities/Mapping%20information%20assets" rel="nofollow">Use the form fields</a>`,
				"name=\"content\" rows=\"24\" >\n---\ntitle: Mapping information assets\n",
			},
			notWant: []string{`name="title"`, `edit-details`},
		},
		{
			name: "the whole file, as the front matter cannot be fields",
			mode: "server",
			edit: func(v *EditView) {
				v.Fields, v.FrontMatter, v.Raw, v.RawForced, v.Content = nil, "", true, true, "---\ntitle: [\n---\nx\n"
			},
			want:    []string{`cannot be shown as form fields, so the text box holds the whole file.`},
			notWant: []string{`name="title"`, `Use the form fields`},
		},
		{
			name:    "closed wiki",
			mode:    "readonly",
			want:    []string{`Editing is turned off on this wiki.`},
			notWant: []string{`<form class="edit-form"`, `editor.js`},
		},
		{
			name:    "static export without preview",
			mode:    "static",
			want:    []string{`<form class="edit-form" method="post" action="https://wiki.example.org/-/edit/`},
			notWant: []string{`data-preview-url`, `Move or rename`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newFakeLinks(tc.mode)
			var v *EditView
			if tc.edit == nil && tc.mode == "server" {
				v = sampleEditVariants(t, l)["edit-new"].data.(*EditView)
			} else {
				v = sampleEditViews(t, l)["edit"].(*EditView)
			}
			if tc.edit != nil {
				tc.edit(v)
			}
			out := mustExecute(t, th, "edit", v)
			checkOutput(t, out, tc.want, tc.notWant)
			// The server's preview comes after the form, the note about it
			// before.
			if v.Previewed {
				note, form, preview := strings.Index(out, `edit-preview-note`), strings.Index(out, `<form class="edit-form"`), strings.Index(out, `<section class="edit-preview"`)
				if !(note < form && form < preview) {
					t.Errorf("note at %d, form at %d, preview at %d: want them in that order", note, form, preview)
				}
			}
			if tc.fields != nil {
				checkNames(t, formWith(t, out, `class="edit-form"`), tc.fields...)
			}
		})
	}
}

func TestMoveAndDelete(t *testing.T) {
	th := MustLoadDefault(t)
	l := newFakeLinks("server")
	views := sampleEditViews(t, l)

	move := mustExecute(t, th, "move", views["move"])
	form := formWith(t, move, `method="post"`)
	checkNames(t, form, "base", "path", "summary", "name", "email", "website")
	checkOutput(t, move, []string{
		`<form class="form" method="post" action="/-/move/Facilitation/Activities/Mapping%20information%20assets">`,
		`<label for="move-path">New location</label>`,
		`name="path" value="Facilitation/Activities/Mapping information assets" required`,
		`These pages link here; their links will be updated to the new location.`,
		`<li><a href="/Facilitation/Planning%20a%20session">Planning a session</a></li>`,
		`>Propose move</button>`,
	}, nil)

	del := mustExecute(t, th, "delete", views["delete"])
	form = formWith(t, del, `method="post"`)
	checkNames(t, form, "base", "summary", "name", "email", "website")
	checkOutput(t, del, []string{
		`<form class="form" method="post" action="/-/delete/Facilitation/Activities/Mapping%20information%20assets">`,
		`You are asking for this page to be removed from the wiki.`,
		`Their links will point to a missing page`,
		`<button class="button button-danger" type="submit">Propose deletion</button>`,
	}, []string{`name="path"`})

	v := views["delete"].(*MoveView)
	v.Maintainer, v.Problem, v.ProblemField = true, "Say why.", "summary"
	del = mustExecute(t, th, "delete", v)
	checkOutput(t, del, []string{
		`This removes the page from the wiki.`,
		`>Delete page</button>`,
		`name="summary" value="" maxlength="200" aria-describedby="delete-summary-help form-problem" aria-invalid="true">`,
	}, []string{`name="name"`, `name="email"`})

	ro := sampleEditViews(t, newFakeLinks("readonly"))
	for _, view := range []string{"move", "delete"} {
		out := mustExecute(t, th, view, ro[view])
		checkOutput(t, out, []string{`Editing is turned off on this wiki.`}, []string{`<form class="form"`})
	}
}

func TestProposalsView(t *testing.T) {
	th := MustLoadDefault(t)
	out := mustExecute(t, th, "proposals", sampleEditViews(t, newFakeLinks("server"))["proposals"])
	checkOutput(t, out, []string{
		`<a class="feed-link" href="/-/proposals/feed.atom" type="application/atom+xml">`,
		`<li><a href="#open">Open <span class="tab-count">3</span></a></li>`,
		`<section class="proposal-state-section" id="merged" aria-labelledby="merged-h">`,
		`<span class="proposal-id">#9</span> <a class="proposal-title" href="/-/proposals/9">Add a note on not writing down names of sources</a>`,
		`<a class="proposal-title" href="/-/proposals/7">Restructure the incident response guide</a> <span class="badge badge-git">pushed with git</span>`,
		`<a href="/Guides/Incident%20response%20first%20steps">Incident response first steps</a>`,
		`by Amina Yusuf`, `opened <time datetime="2025-03-14T16:17:00Z">14 March 2025</time>`,
		`updated <time datetime="2025-03-15T09:17:00Z">15 March 2025</time>`,
		`2 comments`, `merged <time`,
		`No proposal has been rejected yet.`,
		"git clone https://wiki.example.org/-/git wiki &amp;&amp; cd wiki\n",
		"git fetch origin 'refs/heads/proposals/*:refs/remotes/origin/proposals/*'\n",
		"git diff main...origin/proposals/N\ngit merge origin/proposals/N\ngit push origin main",
	}, []string{`0 comments`})

	static := mustExecute(t, th, "proposals", sampleEditViews(t, newFakeLinks("static"))["proposals"])
	checkOutput(t, static, []string{`<span class="proposal-title">Add a note on not writing down names of sources</span>`},
		[]string{`/-/proposals`, `feed-link`, `<a class="proposal-title"`})
}

func TestProposalView(t *testing.T) {
	th := MustLoadDefault(t)
	l := newFakeLinks("server")
	out := mustExecute(t, th, "proposal", sampleEditViews(t, l)["proposal"])
	checkOutput(t, out, []string{
		`<p class="eyebrow">Proposal #9</p>`,
		`<h1>Add a note on not writing down names of sources</h1>`,
		`<span class="badge badge-open">Open</span>`,
		`Amina Yusuf proposed a change to <a href="/Facilitation/Activities/Mapping%20information%20assets">Mapping information assets</a>`,
		`<a class="button" href="` + strings.ReplaceAll(sampleReviseURL, "&", "&amp;") + `" rel="nofollow">`,
		`<h3><code>Facilitation/Activities/Mapping information assets.md</code></h3>`,
		`<table class="diff diff-split">`, `<ins>who</ins>`,
		`<span class="badge badge-added">new</span>`,
		`<details class="disclosure proposed-version">`, `<summary>Proposed version <span class="summary-note">`,
		`<a class="button" href="#comment-form">`, `Comment</a>`,
		`<form class="form comment-form" id="comment-form" method="post" action="/-/proposals/9/comment">`,
		`<strong>Maria</strong> <span class="badge">maintainer</span>`,
		"<div class=\"comment-text\">Thanks! Could you also say what to do with the map after the session?\nWe shred ours.</div>",
		"git diff main...origin/proposals/9\ngit merge origin/proposals/9\ngit push origin main",
		"git clone https://wiki.example.org/-/git wiki",
	}, []string{`/merge"`, `/reject"`, `role="alert"`, `Your proposal was sent for review`, `review-decide`, `proposed-version" open`})
	form := formWith(t, out, `action="/-/proposals/9/comment"`)
	checkNames(t, form, "text", "name", "website")

	t.Run("just opened", func(t *testing.T) {
		v := sampleEditVariants(t, newFakeLinks("server"))["proposal-opened"]
		out := mustExecute(t, th, v.view, v.data)
		checkOutput(t, out, []string{
			`<div class="callout callout-success" role="status">`,
			`<strong>Your proposal was sent for review.</strong>`,
			`<textarea class="revise-url" id="revise-url" rows="3" readonly spellcheck="false" autocapitalize="off" aria-describedby="revise-url-help">` +
				strings.ReplaceAll(sampleReviseURL, "&", "&amp;") + `</textarea>`,
			`<button class="button copy-button" type="button" data-copy="revise-url" data-i18n-lang="en"`,
			`<span class="copy-status" role="status"></span>`,
			`Anyone who has it can revise your proposal, and it is shown only once.`,
			`No comments yet.`,
		}, nil)
	})
	t.Run("maintainer with a conflict", func(t *testing.T) {
		v := sampleEditVariants(t, newFakeLinks("server"))["proposal-conflict"]
		out := mustExecute(t, th, v.view, v.data)
		checkOutput(t, out, []string{
			`role="alert" id="form-problem"`,
			`This proposal conflicts with the current version`,
			"<textarea class=\"code-input\" dir=\"auto\" id=\"conflict-0\" name=\"content-0\" rows=\"18\">\n## Before the session\n\n&lt;&lt;&lt;&lt;&lt;&lt;&lt; your edit",
			`<input type="radio" name="keep-0-0" value="proposal" required> Keep the proposed text</label>`,
			`<input type="radio" name="keep-0-0" value="main"> Keep the current text</label>`,
			`This proposal no longer merges cleanly.`,
			`<a href="/-/proposals/11">#11 Shorter checklist</a> · Quiet Otter — <strong>it changes the same lines differently`,
			`>Resolve and merge</button>`,
			`This file is not text, so it cannot be merged here.`,
			"git checkout --theirs -- 'Facilitation/Activities/asset-map.png'",
			`<h2 id="decide-h">Decide</h2>`,
			`<button class="button button-primary" type="submit" aria-describedby="merge-help">Merge</button>`,
			`<button class="button button-danger" type="submit">Reject proposal</button>`,
		}, []string{`Revise this proposal`})
		// The decision comes before the conflict and the diff.
		if d, c := strings.Index(out, `id="decide-h"`), strings.Index(out, `id="conflict-h"`); d < 0 || c < 0 || d > c {
			t.Errorf("decision at %d, conflict at %d: want the decision first", d, c)
		}
		var resolve []string
		for _, f := range formTag.FindAllString(out, -1) {
			if strings.Contains(f, `name="head"`) {
				resolve = append(resolve, f)
			}
		}
		if len(resolve) != 1 {
			t.Fatalf("%d resolve forms, want 1 (the binary file has none)", len(resolve))
		}
		checkOutput(t, resolve[0], []string{`action="/-/proposals/9/merge"`, `name="head" value="` + sampleHashC + `"`,
			`name="path-0" value="Facilitation/Activities/Mapping information assets.md"`}, nil)
		checkNames(t, resolve[0], "head", "path-0", "keep-0-0", "text-0-0", "content-0", "reviewed")
		checkNames(t, formWith(t, out, `class="form decide-merge"`), "message", "reviewed")
		checkNames(t, formWith(t, out, `class="form decide-reject"`), "reason")
	})
	t.Run("maintainer", func(t *testing.T) {
		v := sampleEditVariants(t, newFakeLinks("server"))["proposal-maintainer"]
		out := mustExecute(t, th, v.view, v.data)
		checkOutput(t, out, []string{
			`<section class="review-decide" aria-labelledby="decide-h">`,
			`<form class="form decide-merge" method="post" action="/-/proposals/9/merge">`,
			"<details class=\"decide-more\">\n<summary>Add a message</summary>",
			`<label for="merge-message">Merge message <span class="optional">(optional)</span></label>`,
			`<form class="form decide-reject" method="post" action="/-/proposals/9/reject">`,
			"<details class=\"decide-more\">\n<summary>Reject…</summary>",
			`<label for="reject-reason">Reason <span class="optional">(optional, public)</span></label>`,
			`<a class="button" href="#comment-form">`,
			`<details class="disclosure proposed-version">`,
		}, []string{`Revise this proposal`, `decide-more" open`, `proposed-version" open`})
		checkNames(t, formWith(t, out, `class="form decide-merge"`), "message", "reviewed")
		checkNames(t, formWith(t, out, `class="form decide-reject"`), "reason")
		// Near the top: decision, then the diff, the proposed version and
		// the comments.
		last := -1
		for _, mark := range []string{`<header class="view-header">`, `id="decide-h"`, `id="changes-h"`, `class="disclosure proposed-version"`, `id="comments-h"`, `id="comment-form"`} {
			i := strings.Index(out, mark)
			if i <= last {
				t.Errorf("%s at %d, after the previous part (%d)", mark, i, last)
			}
			last = i
		}
	})
	t.Run("merged", func(t *testing.T) {
		v := sampleEditVariants(t, newFakeLinks("server"))["proposal-merged"]
		out := mustExecute(t, th, v.view, v.data)
		checkOutput(t, out, []string{`<span class="badge badge-merged">Merged</span>`, `Merged by Maria on <time datetime="2025-03-16T10:17:00Z">`,
			`Published as commit <code>0c1d2e3</code>`, `>Read the page</a>`}, []string{`Revise this proposal`, `Decide`})
	})
	t.Run("rejected", func(t *testing.T) {
		v := sampleEditVariants(t, newFakeLinks("server"))["proposal-rejected"]
		out := mustExecute(t, th, v.view, v.data)
		checkOutput(t, out, []string{`<span class="badge badge-rejected">Rejected</span>`, `Rejected by Maria on <time datetime="2025-03-16T10:00:00Z">16 March 2025</time>`,
			`<blockquote class="decision-reason">This duplicates the note`}, []string{`No reason was given`})
	})
	t.Run("static", func(t *testing.T) {
		out := mustExecute(t, th, "proposal", sampleEditViews(t, newFakeLinks("static"))["proposal"])
		checkOutput(t, out, []string{`<h2 id="comments-h">Comments</h2>`}, []string{`<form class="form`, `/-/proposals/`})
	})
}

// TestHeaderLinks checks the tool links to proposals and page creation,
// which the static export hides.
func TestHeaderLinks(t *testing.T) {
	th := MustLoadDefault(t)
	out := mustExecute(t, th, "page", samplePageView(t, newFakeLinks("server")))
	checkOutput(t, out, []string{`<a href="/-/proposals">`, `Proposals</a>`, `<a href="/-/new" rel="nofollow">`, `New page</a>`}, nil)
	p := samplePageView(t, newFakeLinks("static"))
	p.Static = true
	out = mustExecute(t, th, "page", p)
	checkOutput(t, out, nil, []string{`Proposals</a>`, `New page</a>`})
}
