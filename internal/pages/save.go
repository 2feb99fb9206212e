package pages

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Service writes edits to the repository.
type Service struct {
	repo      *store.Repo
	loader    *site.Loader
	renderer  *render.Renderer
	committer store.Signature
	proposer  Proposer
	hold      func() bool // see SetHold
}

// New makes a Service. committer names the wiki itself, which commits on
// behalf of contributors (who are the authors).
func New(loader *site.Loader, committer store.Signature) *Service {
	return &Service{repo: loader.Repo(), loader: loader, renderer: loader.Renderer(), committer: committer}
}

// Prepared is a cleaned edit, ready to be committed or proposed.
type Prepared struct {
	Page    wikipath.Page
	File    string // relative to the content root
	Source  []byte
	Author  store.Signature
	Message string
	Base    store.Hash
	Exists  bool     // the page existed at Base
	Notes   []string // what cleaning changed, to show the contributor
	// Extra are other files written in the same commit (attachments),
	// with content-root-relative paths.
	Extra []store.FileWrite
}

// Writes are the file writes of this edit, with repository paths; a nil
// page leaves the page as it is and writes only the extra files.
func (s *Service) Writes(p *Prepared, page []byte) []store.FileWrite {
	var out []store.FileWrite
	if page != nil {
		out = append(out, store.FileWrite{Path: s.loader.RepoPath(p.File), Content: page})
	}
	for _, e := range p.Extra {
		e.Path = s.loader.RepoPath(e.Path)
		out = append(out, e)
	}
	return out
}

// Prepare cleans a submission as DESIGN.md's "Cleaning a submission" says.
func (s *Service) Prepare(ctx context.Context, sub Submission) (*Prepared, error) {
	content, err := cleanText("content", sub.Content, MaxPageBytes)
	if err != nil {
		return nil, err
	}
	title, err := oneLine("title", sub.Title, 300)
	if err != nil {
		return nil, err
	}
	summary, err := oneLine("summary", sub.Summary, 200)
	if err != nil {
		return nil, err
	}
	author, err := Identity(sub.Name, sub.Email)
	if err != nil {
		return nil, err
	}
	if _, err := wikipath.Parse(string(sub.Page)); err != nil {
		return nil, problem("path", Invalid, "bad_name", "Reason", err.(*wikipath.Error))
	}
	base, err := parseBase(sub.Base)
	if err != nil {
		return nil, err
	}
	st, err := s.loader.At(ctx, base)
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem("base", Invalid, "base_missing")
	}
	if err != nil {
		return nil, err
	}
	p := &Prepared{Page: sub.Page, Author: author, Base: base}
	p.File, p.Exists = PageFile(st, sub.Page)
	if _, isFile := st.File(p.File); !p.Exists && isFile {
		return nil, problem("path", Exists, "file_exists", "File", p.File)
	}

	src := []byte(content)
	if err := checkFrontMatter(src); err != nil {
		return nil, err
	}
	if title != "" && title != s.renderer.Summarize(src, p.File).Title {
		if src, err = setTitle(src, title); err != nil {
			return nil, problem("title", Invalid, "title_front_matter", "Error", err.Error())
		}
	}
	if sub.TranslationOf != "" {
		of, err := parseBase(sub.TranslationOf)
		if err != nil {
			return nil, err
		}
		if src, err = SetFrontMatter(src, []site.Field{{Key: "translationOf", Value: of.String()}}); err != nil {
			return nil, problem("content", Invalid, "front_matter_update", "Error", err.Error())
		}
	}
	clean, notes := s.renderer.SanitizeSource(src)
	p.Source, p.Notes = normalizeNewline(clean), notes
	if summary == "" {
		verb := "Edit"
		if !p.Exists {
			verb = "Create"
		}
		summary = verb + " " + s.renderer.Summarize(p.Source, p.File).Title
	}
	p.Message = summary + "\n"
	return p, nil
}

// Conflict is an edit that overlaps a change made since its base. Merged
// holds both versions between conflict markers; Head is the revision to
// resubmit against once the person has resolved it.
type Conflict struct {
	Page    wikipath.Page
	Merged  string
	Mine    string
	Theirs  string
	Head    store.Hash
	Regions []merge.Conflict
	Deleted bool // the page was deleted meanwhile
}

func (c *Conflict) Error() string {
	return fmt.Sprintf("your edit of %s overlaps a change saved since you started", c.Page)
}

// Result says what a save did.
type Result struct {
	Commit   store.Hash
	Merged   bool // changes made meanwhile were merged in
	NoChange bool // the page already read exactly so
}

// maxWait bounds how long a save keeps retrying after lost
// compare-and-swap races before it reports the wiki busy.
const maxWait = 30 * time.Second

// ErrBusy means the branch kept moving during every attempt.
var ErrBusy = errors.New("the wiki is busy; please try again")

// Commit writes a prepared edit to the served branch: on top of the current
// head, merged three ways with whatever changed since its base, and
// published with a compare-and-swap that is retried when another write wins.
func (s *Service) Commit(ctx context.Context, p *Prepared) (*Result, error) {
	return s.commitTo(ctx, "refs/heads/"+s.repo.Branch(), p)
}

func (s *Service) commitTo(ctx context.Context, ref string, p *Prepared) (*Result, error) {
	done, err := s.repo.Turn(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer done()
	deadline := time.Now().Add(maxWait)
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		head, err := s.repo.ResolveRef(ctx, ref)
		if err != nil {
			return nil, err
		}
		text, merged, err := s.rebase(ctx, p, head)
		if err != nil {
			return nil, err
		}
		if text == nil && len(p.Extra) == 0 {
			return &Result{Commit: head, NoChange: true}, nil
		}
		c, err := s.repo.WriteCommit(ctx, head, s.Writes(p, text), s.info(p.Author, p.Message))
		if err != nil {
			return nil, err
		}
		err = s.repo.UpdateRef(ctx, ref, c, head)
		switch {
		case err == nil:
			return &Result{Commit: c, Merged: merged}, nil
		case errors.Is(err, store.ErrStale), errors.Is(err, store.ErrLocked):
			backoff(ctx, attempt)
			continue
		default:
			return nil, err
		}
	}
	return nil, ErrBusy
}

func (s *Service) info(author store.Signature, msg string) store.CommitInfo {
	now := time.Now()
	author.When = now
	c := s.committer
	c.When = now
	return store.CommitInfo{Author: author, Committer: c, Message: msg}
}

// backoff waits a little, more after each lost race and at random, so
// writers that keep colliding spread out.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(1+rand.IntN(1+min(attempt, 10)*5)) * time.Millisecond
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// rebase returns the text to write on top of head: the edit itself when the
// page is unchanged since base, or a clean three-way merge. It returns nil
// text when head already holds exactly the result.
func (s *Service) rebase(ctx context.Context, p *Prepared, head store.Hash) (text []byte, merged bool, err error) {
	path := s.loader.RepoPath(p.File)
	baseText, _, inBase, err := s.repo.ReadFileAt(ctx, p.Base, path, site.MaxPageBytes)
	if err != nil {
		return nil, false, err
	}
	// Usually nobody saved meanwhile: head is the base, read once.
	headText, inHead := baseText, inBase
	if head != p.Base {
		if headText, _, inHead, err = s.repo.ReadFileAt(ctx, head, path, site.MaxPageBytes); err != nil {
			return nil, false, err
		}
	}
	// All three sides are normalised as a saved text is, so that a save
	// that trimmed the end of the page does not make the next edit near
	// the end conflict with it.
	baseText, headText = normalizeText(baseText), normalizeText(headText)
	mine := string(p.Source)
	switch {
	case string(headText) == mine:
		return nil, false, nil
	case string(headText) == string(baseText) && (inHead || !p.Exists):
		return p.Source, false, nil
	case p.Exists && !inHead:
		return nil, false, &Conflict{Page: p.Page, Mine: mine, Merged: mine, Head: head, Deleted: true}
	}
	out, regions, ok := merge.Merge3Labels(string(baseText), mine, string(headText), labels)
	if !ok {
		return nil, false, &Conflict{Page: p.Page, Merged: out, Mine: mine, Theirs: string(headText), Head: head, Regions: regions}
	}
	if out == string(headText) {
		return nil, false, nil
	}
	return []byte(out), true, nil
}

// labels name the sides of a conflict in the text the person resolves.
var labels = merge.Labels{Ours: "your edit", Base: "the version you started from", Theirs: "the current version"}

// CommitTo writes a prepared edit to another branch, such as a proposal's,
// with the same merge and retry rules as Commit.
func (s *Service) CommitTo(ctx context.Context, ref string, p *Prepared) (*Result, error) {
	return s.commitTo(ctx, ref, p)
}
