package site

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/store"
)

// Translation status comes from git alone: a translation follows the
// source revision its front matter names (translationOf: <commit>), or,
// without one, the source's last change at or before the translation's
// last change. Whatever the source's history holds after that revision is
// what the translation has not caught up with.

// Status is how a translation stands against its source.
type Status int

const (
	UpToDate Status = iota + 1 // the source has not changed since the revision followed
	Outdated                   // the source changed since
	Missing                    // a language of the wiki has no translation of the source
)

func (st Status) String() string {
	switch st {
	case UpToDate:
		return "up to date"
	case Outdated:
		return "outdated"
	case Missing:
		return "missing"
	}
	return "unknown"
}

// Translation is one language's version of a source page, compared with
// the source. The source's diff From..To is what the translation lacks:
// /-/diff/<source>?from=From&to=To.
type Translation struct {
	Lang   string
	Source *Page
	Page   *Page // nil when Missing
	Status Status
	// From is the source revision the translation follows; zero when no
	// version of the source is known to have been translated (the
	// translation is older than the source's file), or when Missing.
	From store.Hash
	// To is the source's last change; zero when Missing.
	To store.Hash
	// Commits is how many changes to the source lie between From and To,
	// Added and Deleted the source lines changed between them.
	Commits, Added, Deleted int
	// Inferred is true when From comes from history rather than from the
	// translation's translationOf.
	Inferred bool
	// Problem says why translationOf was set aside (it names no commit, or
	// one without the source), for maintainers; "" when it was used or absent.
	Problem string
}

// TranslationState is what one page shows about its translations: the
// banner of an outdated translation, and on any page of the group, which
// languages are up to date, behind or missing.
type TranslationState struct {
	Page       *Page
	Lang       string
	Source     *Page // nil when the page has no translations or no original can be told
	SourceLang string
	// Self is the page's own row when it is a translation; nil on the
	// source and on pages without one.
	Self *Translation
	// Translations lists every language but the source's, by tag, missing
	// ones included.
	Translations []Translation
	// Findings are warnings about this page for maintainers: its lang, a
	// duplicate claim on a language, a translationOf set aside.
	Findings []Finding
}

// LanguageReport is one language's column of /-/translations. Each list is
// sorted by the source's name.
type LanguageReport struct {
	Language Language
	UpToDate []Translation
	Outdated []Translation
	Missing  []Translation
}

// TranslationReport is the state of every translation of the wiki at one
// commit, per language, for /-/translations, the export and gitwiki check.
type TranslationReport struct {
	Commit     store.Hash
	SourceLang string // the site language
	// Languages are every language of the wiki but the site's, then any
	// other language a translation is written in, by tag; the site
	// language only when originals in other languages are translated into it.
	Languages []LanguageReport
	// Findings are the warnings that are not about being behind: lang values,
	// duplicate languages in a translation, translationOf set aside.
	Findings []Finding
}

// Warnings are the report as gitwiki check prints it: the findings, then an
// outdated warning per translation behind its source and a missing warning
// per language a source lacks, sorted by file.
func (r *TranslationReport) Warnings() []Finding {
	out := slices.Clone(r.Findings)
	for _, lr := range r.Languages {
		for _, t := range lr.Outdated {
			out = append(out, Finding{Kind: FindingOutdated, Page: t.Page.Name, File: t.Page.File, Lang: t.Lang, Value: t.From.String()}.with(
				"outdated", t.Commits, "Lang", t.Lang, "Source", t.Source.File, "Added", t.Added, "Deleted", t.Deleted))
		}
		for _, t := range lr.Missing {
			out = append(out, Finding{Kind: FindingMissing, Page: t.Source.Name, File: t.Source.File, Lang: t.Lang}.with("translation_missing", -1, "Lang", t.Lang))
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return strings.Compare(a.File, b.File) })
	return out
}

// groupStatus is a group's rows, computed once per site.
type groupStatus struct {
	rows     []Translation
	findings []Finding
}

// TranslationStatus is one page's translation state. It reads the history
// of the page's source and translations only, and is computed once per
// group and commit.
func (s *Site) TranslationStatus(ctx context.Context, p *Page) (*TranslationState, error) {
	st := &TranslationState{Page: p, Lang: s.Lang(p)}
	for _, f := range s.l10n.findings {
		if f.Page == p.Name {
			st.Findings = append(st.Findings, f)
		}
	}
	pl := s.pageLang(p)
	if pl == nil || pl.group == nil || pl.group.source == nil {
		return st, nil
	}
	g := pl.group
	gs, err := s.statusOf(ctx, g)
	if err != nil {
		return nil, err
	}
	st.Source, st.SourceLang = g.source, s.Lang(g.source)
	st.Translations = slices.Clone(gs.rows)
	for i := range st.Translations {
		if tp := st.Translations[i].Page; tp != nil && tp.Name == p.Name {
			st.Self = &st.Translations[i]
		}
	}
	for _, f := range gs.findings {
		if f.Page == p.Name {
			st.Findings = append(st.Findings, f)
		}
	}
	return st, nil
}

// TranslationReport is the state of every translation at the site's
// commit, computed once per commit.
func (s *Site) TranslationReport(ctx context.Context) (*TranslationReport, error) {
	x := s.l10n
	x.mu.Lock()
	r := x.report
	x.mu.Unlock()
	if r != nil {
		return r, nil
	}
	v, err := s.shared(ctx, "report", func(ctx context.Context) (any, error) {
		r, err := s.buildReport(ctx)
		if err == nil {
			x.mu.Lock()
			x.report = r
			x.mu.Unlock()
		}
		return r, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*TranslationReport), nil
}

func (s *Site) buildReport(ctx context.Context) (*TranslationReport, error) {
	x := s.l10n
	var todo []*group
	for _, g := range x.groups {
		if g.source != nil {
			todo = append(todo, g)
		}
	}
	results := make([]*groupStatus, len(todo))
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(runtime.GOMAXPROCS(0))
	for i, g := range todo {
		eg.Go(func() (err error) {
			results[i], err = s.statusOf(ectx, g)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	r := &TranslationReport{Commit: s.Commit, SourceLang: s.Settings.Language, Findings: slices.Clone(x.findings)}
	byLang := map[string]*LanguageReport{}
	for _, l := range x.languages {
		if l.Code != s.Settings.Language {
			byLang[l.Code] = &LanguageReport{Language: l}
		}
	}
	for _, gs := range results {
		r.Findings = append(r.Findings, gs.findings...)
		for _, t := range gs.rows {
			lr := byLang[t.Lang]
			if lr == nil {
				lr = &LanguageReport{Language: Language{Code: t.Lang}}
				byLang[t.Lang] = lr
			}
			switch t.Status {
			case UpToDate:
				lr.UpToDate = append(lr.UpToDate, t)
			case Outdated:
				lr.Outdated = append(lr.Outdated, t)
			case Missing:
				lr.Missing = append(lr.Missing, t)
			}
		}
	}
	bySource := func(a, b Translation) int { return strings.Compare(string(a.Source.Name), string(b.Source.Name)) }
	for _, lr := range byLang {
		slices.SortFunc(lr.UpToDate, bySource)
		slices.SortFunc(lr.Outdated, bySource)
		slices.SortFunc(lr.Missing, bySource)
		r.Languages = append(r.Languages, *lr)
	}
	slices.SortFunc(r.Languages, func(a, b LanguageReport) int { return strings.Compare(a.Language.Code, b.Language.Code) })
	slices.SortStableFunc(r.Findings, func(a, b Finding) int { return strings.Compare(a.File, b.File) })
	return r, nil
}

// statusOf computes a group's rows once per site; concurrent callers share
// the work, which outlives a cancelled request as the loader's loads do.
func (s *Site) statusOf(ctx context.Context, g *group) (*groupStatus, error) {
	x := s.l10n
	x.mu.Lock()
	gs := x.status[g]
	x.mu.Unlock()
	if gs != nil {
		return gs, nil
	}
	v, err := s.shared(ctx, "group\x00"+g.key, func(ctx context.Context) (any, error) {
		gs, err := s.compareGroup(ctx, g)
		if err == nil {
			x.mu.Lock()
			x.status[g] = gs
			x.mu.Unlock()
		}
		return gs, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*groupStatus), nil
}

func (s *Site) shared(ctx context.Context, key string, fn func(context.Context) (any, error)) (any, error) {
	ch := s.l10n.flight.DoChan(key, func() (any, error) { return fn(context.WithoutCancel(ctx)) })
	select {
	case res := <-ch:
		return res.Val, res.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// compareGroup compares every translation of a group with its source, and
// lists the wiki's languages the group lacks.
func (s *Site) compareGroup(ctx context.Context, g *group) (*groupStatus, error) {
	gs := &groupStatus{}
	src := g.source
	srcLang := s.Lang(src)
	h := &pageHistory{site: s, page: src}
	for _, m := range g.members {
		if m.page == src {
			continue
		}
		t, err := s.compare(ctx, h, m)
		if err != nil {
			return nil, fmt.Errorf("translation status of %s: %w", m.page.File, err)
		}
		if t.Problem != "" {
			gs.findings = append(gs.findings, Finding{Kind: FindingTranslationOf, Page: m.page.Name, File: m.page.File, Lang: m.lang,
				Value: fmt.Sprint(rawTranslationOf(m.page))}.with("translation_of", -1, "Problem", t.Problem))
		}
		gs.rows = append(gs.rows, t)
	}
	for _, l := range s.l10n.languages {
		if l.Code != srcLang && g.page(l.Code) == nil {
			gs.rows = append(gs.rows, Translation{Lang: l.Code, Source: src, Status: Missing})
		}
	}
	slices.SortFunc(gs.rows, func(a, b Translation) int { return strings.Compare(a.Lang, b.Lang) })
	return gs, nil
}

func rawTranslationOf(p *Page) any {
	v, _ := translationOf(p)
	return v
}

// compare is one translation against its source.
func (s *Site) compare(ctx context.Context, h *pageHistory, m member) (Translation, error) {
	t := Translation{Lang: m.lang, Source: h.page, Page: m.page}
	base, baseText, problem, err := s.followed(ctx, h.page, m.page)
	if err != nil {
		return t, err
	}
	t.Problem = problem
	if base.IsZero() {
		t.Inferred = true
		if base, err = s.inferBase(ctx, h.page, m.page); err != nil {
			return t, err
		}
		baseText = nil
	}
	if !t.Inferred {
		together, err := s.changedTogether(ctx, h, m.page, base)
		if err != nil {
			return t, err
		}
		if !together.IsZero() {
			base, baseText = together, nil
		}
	}
	head, err := h.at(ctx, 0)
	if err != nil || head == nil {
		// A source without history here (a shallow clone): nothing to compare.
		t.Status = UpToDate
		return t, err
	}
	t.From, t.To = base, head.Hash
	n, err := h.behind(ctx, base)
	if err != nil || n == 0 {
		t.Status = UpToDate
		return t, err
	}
	if baseText == nil && !base.IsZero() {
		if baseText, err = s.sourceAt(ctx, base, h.page); err != nil {
			return t, err
		}
	}
	cur, err := h.text(ctx)
	if err != nil {
		return t, err
	}
	t.Added, t.Deleted = merge.Stats(string(baseText), string(cur))
	if t.Added+t.Deleted == 0 && cur != nil && baseText != nil {
		// Changed and changed back: the text the translator read is the text now.
		t.Status = UpToDate
		return t, nil
	}
	t.Status, t.Commits = Outdated, n
	return t, nil
}

// hexRev is a commit id as people copy it: 4 to 40 hex digits.
var hexRev = regexp.MustCompile(`^[0-9a-fA-F]{4,40}$`)

// followed reads translationOf. A value that cannot be used comes back as
// a problem, never an error: the status then falls back to history.
func (s *Site) followed(ctx context.Context, src, tr *Page) (commit store.Hash, text []byte, problem string, err error) {
	v, ok := translationOf(tr)
	if !ok {
		return store.ZeroHash, nil, "", nil
	}
	rev, isText := v.(string)
	rev = strings.TrimSpace(rev)
	if !isText || !hexRev.MatchString(rev) {
		return store.ZeroHash, nil, fmt.Sprintf("translationOf %v is not a commit id; write the commit of %s this translation follows, in quotes", v, src.File), nil
	}
	h, err := s.loader.Resolve(ctx, rev)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrBadRevision) || err == nil && !strings.HasPrefix(h.String(), strings.ToLower(rev)) {
		return store.ZeroHash, nil, fmt.Sprintf("translationOf %s names no commit of this wiki", rev), nil
	}
	if err != nil {
		return store.ZeroHash, nil, "", err
	}
	in, err := s.loader.repo.IsAncestor(ctx, h, s.Commit)
	if err != nil {
		return store.ZeroHash, nil, "", err
	}
	if !in {
		return store.ZeroHash, nil, fmt.Sprintf("translationOf %s names a commit that is not in this wiki's history", rev), nil
	}
	b, _, found, err := s.loader.repo.ReadFileAt(ctx, h, s.loader.RepoPath(src.File), MaxPageBytes)
	switch {
	case errors.Is(err, store.ErrTooLarge):
		return h, nil, "", nil
	case err != nil:
		return store.ZeroHash, nil, "", err
	case !found:
		return store.ZeroHash, nil, fmt.Sprintf("translationOf %s names a commit that does not contain %s", rev, src.File), nil
	}
	return h, b, "", nil
}

// inferBase is the source's last change at or before the translation's
// last change; zero when the source's file did not exist yet.
func (s *Site) inferBase(ctx context.Context, src, tr *Page) (store.Hash, error) {
	lt, err := s.loader.LastChange(ctx, s.Commit, tr.File)
	if err != nil || lt == nil {
		return store.ZeroHash, err
	}
	c, err := s.loader.changeAt(ctx, lt.Hash, src.File)
	if err != nil || c == nil {
		return store.ZeroHash, err
	}
	return c.Hash, nil
}

// sourceAt reads the source's file at a commit; nil when absent or too large.
func (s *Site) sourceAt(ctx context.Context, commit store.Hash, src *Page) ([]byte, error) {
	b, _, _, err := s.loader.repo.ReadFileAt(ctx, commit, s.loader.RepoPath(src.File), MaxPageBytes)
	if errors.Is(err, store.ErrTooLarge) {
		return nil, nil
	}
	return b, err
}

// pageHistory is a page's changes on the first-parent line from the site's
// commit, newest first, read only as far as a question needs.
type pageHistory struct {
	site    *Site
	page    *Page
	changes []*store.Commit
	done    bool
	cur     []byte
	curRead bool
}

// at is the i-th newest change, nil past the oldest.
func (h *pageHistory) at(ctx context.Context, i int) (*store.Commit, error) {
	s := h.site
	for len(h.changes) <= i && !h.done {
		var c *store.Commit
		var err error
		if len(h.changes) == 0 {
			c, err = s.loader.LastChange(ctx, s.Commit, h.page.File)
		} else if last := h.changes[len(h.changes)-1]; len(last.Parents) > 0 {
			c, err = s.loader.changeAt(ctx, last.Parents[0], h.page.File)
		}
		if err != nil {
			return nil, err
		}
		if c == nil {
			h.done = true
			break
		}
		h.changes = append(h.changes, c)
	}
	if i < len(h.changes) {
		return h.changes[i], nil
	}
	return nil, nil
}

// behind counts the page's changes not contained in base: all of them
// when base is zero.
func (h *pageHistory) behind(ctx context.Context, base store.Hash) (int, error) {
	for i := 0; ; i++ {
		c, err := h.at(ctx, i)
		if err != nil || c == nil {
			return i, err
		}
		if in, err := h.site.contains(ctx, base, c); err != nil || in {
			return i, err
		}
	}
}

// contains reports whether commit c is base or one of its ancestors.
func (s *Site) contains(ctx context.Context, base store.Hash, c *store.Commit) (bool, error) {
	if base.IsZero() {
		return false, nil
	}
	if c.Hash == base {
		return true, nil
	}
	return s.loader.repo.IsAncestor(ctx, c.Hash, base)
}

// changedTogether is the newest change to the source since base that was
// made in the same commit as a change to the translation: whoever made it
// saw that version of the source. It is how saving a translation together
// with the source's new translationKey keeps the translation up to date,
// and how one commit fixing both versions does. Zero when there is none.
func (s *Site) changedTogether(ctx context.Context, h *pageHistory, tr *Page, base store.Hash) (store.Hash, error) {
	th := &pageHistory{site: s, page: tr}
	changed := map[store.Hash]bool{}
	for i := 0; ; i++ {
		c, err := th.at(ctx, i)
		if err != nil {
			return store.ZeroHash, err
		}
		if c == nil {
			break
		}
		if in, err := s.contains(ctx, base, c); err != nil || in {
			if err != nil {
				return store.ZeroHash, err
			}
			break
		}
		changed[c.Hash] = true
	}
	for i := 0; len(changed) > 0; i++ {
		c, err := h.at(ctx, i)
		if err != nil || c == nil {
			return store.ZeroHash, err
		}
		if in, err := s.contains(ctx, base, c); err != nil || in {
			return store.ZeroHash, err
		}
		if changed[c.Hash] {
			return c.Hash, nil
		}
	}
	return store.ZeroHash, nil
}

// text is the page as it is at the site's commit; nil when too large.
func (h *pageHistory) text(ctx context.Context) ([]byte, error) {
	if !h.curRead {
		b, err := h.site.Source(ctx, h.page)
		if err != nil && !errors.Is(err, store.ErrTooLarge) {
			return nil, err
		}
		h.cur, h.curRead = b, true
	}
	return h.cur, nil
}

// changeSteps caches facts of history that never change: the newest commit
// on the first-parent line from a commit that changed a path. When the head
// moves on, a source's history below its newest change is read from here.
type changeSteps struct {
	mu sync.Mutex
	m  map[stepKey]*store.Commit
}

type stepKey struct {
	from store.Hash
	path string
}

const maxSteps = 50000

// changeAt is the newest commit at or before `from` on its first-parent
// line that changed the content file; nil when none did.
func (l *Loader) changeAt(ctx context.Context, from store.Hash, file string) (*store.Commit, error) {
	k := stepKey{from, l.RepoPath(file)}
	l.steps.mu.Lock()
	c, ok := l.steps.m[k]
	l.steps.mu.Unlock()
	if ok {
		return c, nil
	}
	c, _, err := l.repo.LastChange(ctx, from, k.path, store.ZeroHash)
	if err != nil {
		return nil, err
	}
	l.steps.mu.Lock()
	if l.steps.m == nil || len(l.steps.m) >= maxSteps {
		l.steps.m = map[stepKey]*store.Commit{}
	}
	l.steps.m[k] = c
	l.steps.mu.Unlock()
	return c, nil
}
