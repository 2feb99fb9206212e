package theme

import (
	"html/template"
	"time"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// EditView is the editor, for a new or existing page, a proposal revision,
// or a maintainer resolving a merge conflict. Everything the person typed is
// carried in it, so a refused or conflicting submission loses nothing.
type EditView struct {
	Base
	// Proposals are the open proposals that already change this page.
	Proposals []ProposalItem
	Page      wikipath.Page
	New       bool   // the page does not exist yet
	AskPath   bool   // show the path field (a new page whose name is not in the URL)
	Path      string // the path field's value
	PageTitle string // the title field
	Content   string // the text box: the body, a section or the whole file
	// Fields are the front matter keys shown as form fields; with them,
	// Content is the page's body and FrontMatter the block as loaded,
	// carried in a hidden field so keys without a field are kept.
	Fields      *EditFields
	FrontMatter string
	// Raw: Content is the whole file, front matter included, because the
	// person asked or because the front matter cannot be shown as fields
	// (RawForced).
	Raw, RawForced bool
	// Section, above 0, is the section of the page Content holds, under
	// the heading SectionTitle.
	Section      int
	SectionTitle string
	Summary      string
	BaseRev      string // hidden field "base": the commit the editor loaded
	Name         string
	Email        string
	Proposal     int    // revising proposal N; 0 when not
	Token        string // the private revise token, carried in a hidden field
	// Preview is the rendered content after a no-JavaScript Preview.
	Preview   template.HTML
	Previewed bool
	// Problem says why the submission was refused; ProblemField names the
	// form field at fault ("content", "title", "path", "name", "email", ...).
	Problem      string
	ProblemField string
	Notes        []string // what cleaning removed from the text, and why
	Conflict     *EditConflict
	Templates    []PageRef // _templates/ to start a new page from
	Template     string    // the chosen template's page name
	// Where the edit goes: Policy is "review", "open" or "closed"; a
	// maintainer under "review" commits directly unless Propose is ticked.
	Policy      string
	Maintainer  bool
	Propose     bool
	Honeypot    string // the honeypot field's name
	Attachments []PendingFile
	MaxUpload   int64  // bytes
	Accept      string // the file input's accept attribute
	// Merge conflict resolution of a proposal (form posts to the proposal's merge action).
	Resolving int
	// Translating is set when the page is a translation: new (the text
	// starts as the source's) or existing (the translator may mark it up
	// to date with the source's current revision).
	Translating *EditTranslation
}

// EditFields are the front matter keys besides the title that the editor
// shows as fields, as typed (tags separated by commas).
type EditFields struct {
	Description, Tags, Category, Lang, Weight string
}

// EditTranslation is what the editor says about a translation.
type EditTranslation struct {
	Source     PageRef
	SourceLang string
	Lang       string
	New        bool
	// Rev is the source's last change; ticking "up to date" saves it as
	// translationOf. Following is the revision the page follows now.
	Rev, Following string
	Outdated       bool
	CaughtUp       bool // the box is ticked
}

// EditConflict explains a conflict: the person's edit overlaps a change
// saved since they started. Content then holds both, between markers.
type EditConflict struct {
	Mine    string // the person's own text, unmerged
	Theirs  string // the current version
	Regions int
	Deleted bool // the page was deleted meanwhile
}

// PendingFile is an attachment uploaded with the form and kept across
// previews in hidden fields until the edit is saved.
type PendingFile struct {
	Name     string // file name in the wiki, next to the page
	Data     string // base64, for the hidden field
	Size     int64
	Markdown string // the link to insert, e.g. ![diagram](diagram.png)
	URL      string // where the file will be, which the live preview shows it for
}

// ProposalItem is one proposal in a list.
type ProposalItem struct {
	ID     int
	Title  string
	State  string // "open", "merged", "rejected"
	Author string
	// Unverified: the author gave a name without an account.
	Unverified bool
	Created    time.Time
	Updated    time.Time
	Page       PageRef
	Comments   int
	Pushed     bool // arrived with git push
}

// ProposalsView lists proposals by state.
type ProposalsView struct {
	Base
	Open, Merged, Rejected []ProposalItem
	Maintainer             bool
	GitURL                 string // clone URL for the git instructions
}

// ProposalView is one proposal with its diff, preview and comments.
type ProposalView struct {
	Base
	Proposal   ProposalItem
	Branch     string // e.g. "proposals/7", for the git instructions
	BaseRev    string
	HeadRev    string
	Files      []ProposalFile
	Preview    template.HTML // the proposed version of the main page, rendered
	Comments   []ProposalComment
	DecidedBy  string
	DecidedAt  time.Time
	Reason     string
	MergedAs   string
	Maintainer bool   // may merge and reject
	CanRevise  bool   // the private token is valid: offer "Revise"
	ReviseURL  string // the private link, shown to the contributor after opening
	JustOpened bool
	Problem    string // e.g. why a merge failed
	Conflict   *MergeConflictView
	Standing   *ProposalStanding // open proposals only
	Honeypot   string
	GitURL     string // clone URL for the git instructions
}

// ProposalFile is one changed file with its diff.
type ProposalFile struct {
	Path    string
	Page    wikipath.Page // when the file is a page
	IsPage  bool
	Added   bool
	Deleted bool
	Binary  bool
	Rows    []DiffRow
}

// ProposalComment is one comment.
type ProposalComment struct {
	Author     string
	Maintainer bool
	Unverified bool // written without an account
	Date       time.Time
	Text       string
}

// MergeConflictView lists the files a merge could not combine; each is
// offered for resolution in an editor.
type MergeConflictView struct {
	Head  string // the main commit the conflict was computed against
	Files []ConflictFile
}

// ConflictFile is one conflicting file.
type ConflictFile struct {
	Path   string
	Merged string // both versions between conflict markers
	Binary bool
	// Blocks are offered one by one: keep the proposal's text, the
	// current one, both, or edit; none when the file is resolved whole.
	Blocks []ConflictBlock
}

// ConflictBlock is one conflicting region of a file.
type ConflictBlock struct {
	Before   string // a few lines of the text just above it, for context
	Proposal string // the contributor's text
	Main     string // the text on the wiki now
	Choice   string // the answer sent before, when the form comes back
	Edited   string // the text for "edit": sent before, or the proposal's
}

// ProposalStanding is where an open proposal stands now: whether it still
// merges into the current text, and which other open proposals change the
// same files.
type ProposalStanding struct {
	Conflicts []string // files that conflict with the current text
	Overlaps  []ProposalOverlap
}

// ProposalOverlap is another open proposal changing the same files.
type ProposalOverlap struct {
	Proposal  ProposalItem
	Paths     []string
	Conflicts bool // the two change the same lines differently
}

// MoveView asks where to move a page, or confirms deleting it.
type MoveView struct {
	Base
	Page        wikipath.Page
	PageTitle   string
	NewPath     string // the "path" field
	Summary     string
	BaseRev     string
	Name, Email string
	Problem     string
	// ProblemField names the field at fault ("path", "summary", "name", ...).
	ProblemField string
	Backlinks    []PageRef // pages whose links will be rewritten (move) or break (delete)
	Maintainer   bool
	Policy       string
	Honeypot     string
}
