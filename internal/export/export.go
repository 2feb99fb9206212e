// Package export writes a wiki at one commit as a static site: the server's
// theme and read model, with every URL relative to the page it is in, so the
// output works at a domain root, under a sub-path, and from file:// after
// unzipping. Search works offline from an index shipped as a script.
package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitwiki/gitwiki/internal/parallel"
	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// recentLimit is how many changes the feed shows, as the server's does.
const recentLimit = 50

// Errors that Build and Check wrap. Anything else is a failure to read the
// repository or to write the output.
var (
	// ErrBadRevision: --rev names no commit.
	ErrBadRevision = errors.New("unknown revision")
	// ErrBrokenLinks: Options.Strict and some link leads nowhere; nothing
	// was written.
	ErrBrokenLinks = errors.New("broken links")
	// ErrPagesFailed: some pages could not be written; the rest were.
	ErrPagesFailed = errors.New("some pages could not be rendered")
	// ErrBadBaseURL: the base URL is not an absolute http(s) URL.
	ErrBadBaseURL = errors.New("bad base URL")
)

// Options say what to build and where.
type Options struct {
	Loader *site.Loader
	Theme  *theme.Theme
	// Rev is a commit id or branch name; "" is the loader's branch head.
	Rev string
	// Out is a directory, or a file ending in .zip. An existing directory
	// is replaced only if a previous build wrote it.
	Out string
	// BaseURL is the wiki's public URL. With it, pages offer "Edit on the
	// live wiki" (BaseURL/-/edit/PAGE), and the feed, sitemap.xml, robots.txt
	// and 404.html use absolute addresses under it.
	BaseURL string
	// EditURL is the live wiki's editor of a page, given BaseURL without its
	// trailing slash: the server's route table knows it (web.LiveEditURL).
	// nil leaves "Edit on the live wiki" out.
	EditURL func(base string, p wikipath.Page) string
	// Strict fails the build when a link leads nowhere, before anything is
	// written.
	Strict bool
	// Workers is how many files are made at once; 0 means two per core.
	Workers int
}

// Report says what a build did.
type Report struct {
	Commit      store.Hash
	Out         string // absolute
	Pages       int    // published pages, folder listings and redirects included
	Attachments int
	Files       int   // every file written
	Bytes       int64 // their total size
	SearchIndex int   // bytes of the offline search index
	Elapsed     time.Duration
	Broken      []Problem // links that lead nowhere
	Failed      []Problem // pages that could not be written
	Skipped     []Problem // what the export leaves out, and why
}

// Problem is one finding about one file of the wiki.
type Problem struct {
	Path   string // content file, e.g. "Guides/Backups.md"
	Target string // the link as written, for broken links
	Reason string
}

// String is the "path: problem" line of gitwiki check.
func (p Problem) String() string {
	if p.Target != "" {
		return p.Path + ": link to " + p.Target + ": " + p.Reason
	}
	return p.Path + ": " + p.Reason
}

// Arrow is the "page → target" line of a build's link report.
func (p Problem) Arrow() string {
	if p.Target != "" {
		return p.Path + " → " + p.Target + " (" + p.Reason + ")"
	}
	return p.Path + " (" + p.Reason + ")"
}

// build is one run of Build.
type build struct {
	opts     Options
	plan     *plan
	renderer *render.Renderer
	res      resolver
	commit   *store.Commit
	model    *present.Model
	hist     *site.History
	basePath string // the base URL's path, "/" or "/wiki/"; "" without one
	chromes  chromeCache

	// The search index, built alongside the pages (prepare): read it only
	// after waitSearch.
	searched   chan struct{}
	stopSearch context.CancelFunc
	search     *search.Export
	searchErr  error

	mu     sync.Mutex
	broken []Problem
	failed []Problem
	files  atomic.Int64
	bytes  atomic.Int64
}

// Build writes the static site of one commit. Set-up problems (revision,
// output path, base URL) are reported before anything is written; a failed
// build leaves no partial output.
func Build(ctx context.Context, opts Options) (*Report, error) {
	start := time.Now()
	if opts.Loader == nil || opts.Theme == nil {
		return nil, errors.New("export: Options need a Loader and a Theme")
	}
	live, basePath, err := parseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	repo := opts.Loader.Repo()
	commit, err := resolve(ctx, repo, opts.Rev)
	if err != nil {
		return nil, err
	}
	tgt, err := checkTarget(opts.Out, repo.GitDir(), contentDir(repo.GitDir(), opts.Loader.Dir()))
	if err != nil {
		return nil, err
	}
	b, err := prepare(ctx, opts.Loader, opts.Theme, commit, live, false)
	if err != nil {
		return nil, err
	}
	defer b.endSearch() // no goroutine outlives the build
	b.opts, b.basePath = opts, basePath
	b.plan.edit = opts.EditURL
	rep := &Report{Commit: commit.Hash, Out: tgt.out}

	b.checkLinks()

	out, err := newSink(tgt, commit.Committer.When)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			out.abort()
		}
	}()
	if err := b.run(ctx, out); err != nil {
		return nil, err
	}
	b.finish(rep)
	if opts.Strict && len(rep.Broken) > 0 {
		return rep, fmt.Errorf("%w: %d, and --strict: nothing was written", ErrBrokenLinks, len(rep.Broken))
	}
	if err := out.commit(); err != nil {
		return nil, fmt.Errorf("move the export into place: %w", err)
	}
	done = true
	rep.Elapsed = time.Since(start)
	if len(rep.Failed) > 0 {
		return rep, fmt.Errorf("%w: %d", ErrPagesFailed, len(rep.Failed))
	}
	return rep, nil
}

func resolve(ctx context.Context, repo *store.Repo, rev string) (*store.Commit, error) {
	var h store.Hash
	var err error
	if rev == "" {
		h, err = repo.Head(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: branch %s: %w", ErrBadRevision, repo.Branch(), err)
		}
	} else if h, err = repo.Resolve(ctx, rev); err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrBadRevision, rev, err)
	}
	c, err := repo.Commit(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrBadRevision, rev, err)
	}
	return c, nil
}

// contentDir is the wiki's folder in a working tree, "" for a bare
// repository: an export written there would become content.
func contentDir(gitDir, dir string) string {
	if filepath.Base(gitDir) != ".git" {
		return ""
	}
	return filepath.Join(filepath.Dir(gitDir), filepath.FromSlash(dir))
}

func parseBaseURL(raw string) (live, basePath string, err error) {
	if raw == "" {
		return "", "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("%w %q: use an http or https URL without query or fragment, such as https://wiki.example.org/", ErrBadBaseURL, raw)
	}
	live = strings.TrimSuffix(u.String(), "/")
	basePath = strings.TrimSuffix(u.EscapedPath(), "/") + "/"
	return live, basePath, nil
}

// prepare loads the commit's read model, decides what to write, and reads
// the history the pages show.
func prepare(ctx context.Context, loader *site.Loader, th *theme.Theme, commit *store.Commit, live string, keepDrafts bool) (*build, error) {
	st, err := loader.At(ctx, commit.Hash)
	if err != nil {
		return nil, err
	}
	pl := newPlan(st, th, live, keepDrafts)
	if err := pl.dropLarge(ctx, loader.Repo()); err != nil {
		return nil, err
	}
	b := &build{plan: pl, renderer: loader.Renderer(), res: resolver{pl}, commit: commit}
	b.chromes.byPre = map[string]chrome{}
	if th == nil {
		return b, nil // Check: no pages are written
	}
	files := make([]string, len(pl.list))
	for i, p := range pl.list {
		files[i] = p.File
	}
	// The offline search index is only needed by the search page and the
	// index's own files, which are written last; it is built while the
	// history walk runs and then while the pages are written, so the
	// cores are not left idle by its serial end (encoding the index) or
	// by the walk, which is one goroutine's work in proportion to the
	// commits (4 s on 5,000 of them).
	b.searched = make(chan struct{})
	sctx, stop := context.WithCancel(ctx)
	b.stopSearch = stop
	go func() {
		defer close(b.searched)
		b.search, b.searchErr = b.searchIndex(sctx)
	}()
	pl.searchIndexName = b.searchIndexName
	// The feed names itself after the root commit when there is no base URL.
	b.hist, err = st.History(ctx, site.HistoryQuery{Recent: recentLimit, Files: files, Root: live == ""})
	if err != nil {
		b.endSearch()
		return nil, err
	}
	b.model = present.New(st, th, func(p *site.Page) bool { return pl.pages[p.Name] != nil })
	return b, nil
}

// dropLarge leaves out attachments the server would not serve either.
func (pl *plan) dropLarge(ctx context.Context, repo *store.Repo) error {
	kept := pl.attach[:0]
	for _, f := range pl.attach {
		e, _ := pl.st.File(f)
		n, err := repo.BlobSize(ctx, e.Blob)
		if err != nil {
			return err
		}
		if n > maxAttachment {
			delete(pl.files, f)
			pl.skip(f, "", "larger than 64 MiB: not exported")
			continue
		}
		kept = append(kept, f)
	}
	pl.attach = kept
	return nil
}

// workers is twice the cores by default: a worker waiting for the disk to
// create a file leaves its core to another.
func (b *build) workers() int {
	if b.opts.Workers > 0 {
		return b.opts.Workers
	}
	return 2 * runtime.GOMAXPROCS(0)
}

// checkLinks finds the page links of published pages that lead nowhere in
// the export. Links to attachments are found while rendering.
func (b *build) checkLinks() {
	st := b.plan.st
	for _, p := range b.checked() {
		for _, l := range p.Summary.Links {
			if _, ok := render.ResolveLink(b.res, p.Name, p.File, l); ok {
				continue
			}
			reason := "no such page"
			if t, ok := render.ResolveLink(st, p.Name, p.File, l); ok {
				if tp, _ := st.Page(t); tp != nil && tp.FrontMatter().Draft {
					reason = "the page is a draft, which is not exported"
				} else {
					reason = "the page is not exported"
				}
			}
			target := l.Target
			if l.Fragment != "" {
				target += "#" + l.Fragment
			}
			if l.Kind == render.LinkWiki {
				target = "[[" + target + "]]"
			}
			b.broken = append(b.broken, Problem{Path: p.File, Target: target, Reason: reason})
		}
	}
}

// checked are the pages whose links are checked: the published ones, and
// the sidebar and footer, which every page shows.
func (b *build) checked() []*site.Page {
	pages := append([]*site.Page(nil), b.plan.list...)
	for _, name := range []wikipath.Page{site.SidebarPage, site.FooterPage} {
		if p, ok := b.plan.st.Page(name); ok {
			pages = append(pages, p)
		}
	}
	return pages
}

// linkProblems records the attachments a rendered page names that do not exist.
func (b *build) linkProblems(p *site.Page, missing []string) {
	if len(missing) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := map[string]bool{}
	for _, m := range missing {
		if !seen[m] {
			seen[m] = true
			b.broken = append(b.broken, Problem{Path: p.File, Target: m, Reason: "no such file"})
		}
	}
}

// bufs keeps a worker's buffer for its next job: a page is written before
// the buffer goes back.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// job writes one output file.
type job struct {
	file string
	page *site.Page // for a page that fails to render, reported by path
	// make returns the file's bytes, which may be buf's: a page is written
	// before the worker's next job reuses it.
	make func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error)
}

// run writes every file: the pages and other files first, then the search
// index's files and the theme assets those pages link to, so the export
// carries no asset it never uses (the editor's script, say).
func (b *build) run(ctx context.Context, out sink) error {
	if err := b.runJobs(ctx, out, b.jobs()); err != nil {
		return err
	}
	if err := b.waitSearch(); err != nil {
		return err
	}
	return b.runJobs(ctx, out, append(b.searchJobs(), b.assetJobs()...))
}

// waitSearch waits for the search index and returns the error that
// building it met.
func (b *build) waitSearch() error {
	if b.searched == nil {
		return nil
	}
	<-b.searched
	return b.searchErr
}

// endSearch stops the search index if it is still being built (a build
// that failed before the end) and waits for it.
func (b *build) endSearch() {
	if b.stopSearch != nil {
		b.stopSearch()
	}
	b.waitSearch()
}

// searchIndexName is the index's file under -/search/, for the search
// page, once it is built; "" if it could not be.
func (b *build) searchIndexName() string {
	if b.waitSearch() != nil {
		return ""
	}
	return b.search.Main
}

// assetJobs write the theme assets the pages linked to, and those such an
// asset names (a font in a stylesheet).
func (b *build) assetJobs() []job {
	used := map[string]bool{}
	b.plan.assetsUsed.Range(func(k, _ any) bool {
		used[k.(string)] = true
		return true
	})
	all := b.plan.theme.Assets()
	for changed := true; changed; {
		changed = false
		for _, a := range all {
			if !used[a.Name] {
				continue
			}
			for _, o := range all {
				if !used[o.Name] && bytes.Contains(a.Data, []byte(o.Name)) {
					used[o.Name], changed = true, true
				}
			}
		}
	}
	var jobs []job
	for _, a := range all {
		if used[a.Name] {
			jobs = append(jobs, job{file: staticDir + a.Hashed, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) {
				return a.Data, nil
			}})
		}
	}
	return jobs
}

func (b *build) runJobs(ctx context.Context, out sink, jobs []job) error {
	err := parallel.For(ctx, b.workers(), len(jobs), func(i int) error {
		j := jobs[i]
		sc := scheme{plan: b.plan, prefix: strings.Repeat("../", strings.Count(j.file, "/"))}
		buf := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(buf)
		buf.Reset()
		data, err := j.make(ctx, sc, buf)
		if err != nil {
			var te *templateError
			if !errors.As(err, &te) {
				return fmt.Errorf("%s: %w", j.file, err)
			}
			name := j.file
			if j.page != nil {
				name = j.page.File
			}
			b.mu.Lock()
			b.failed = append(b.failed, Problem{Path: name, Reason: te.Error()})
			b.mu.Unlock()
			return nil
		}
		if err := out.write(j.file, data); err != nil {
			return fmt.Errorf("write %s: %w", j.file, err)
		}
		b.files.Add(1)
		b.bytes.Add(int64(len(data)))
		return nil
	})
	return err
}

// templateError is a view that failed to execute: the page is reported and
// the build goes on.
type templateError struct{ err error }

func (e *templateError) Error() string { return e.err.Error() }
func (e *templateError) Unwrap() error { return e.err }

// execute renders a view into the worker's buffer.
func (b *build) execute(buf *bytes.Buffer, view string, data any) ([]byte, error) {
	if err := b.plan.theme.Execute(buf, view, data); err != nil {
		return nil, &templateError{err}
	}
	return buf.Bytes(), nil
}

// jobs lists every file of the export. Pages come first: they are the
// slowest, and starting them early keeps every core busy to the end.
func (b *build) jobs() []job {
	pl := b.plan
	var jobs []job
	for _, p := range pl.list {
		jobs = append(jobs, job{file: outputFile(p.Name), page: p, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			doc, missing, err := b.render(ctx, p, sc)
			if err != nil {
				return nil, err
			}
			b.linkProblems(p, missing)
			o := b.output(ctx, sc)
			v := b.model.Page(o, p, doc, b.hist.Last[p.File])
			state, err := pl.st.TranslationStatus(ctx, p)
			if err != nil {
				return nil, err
			}
			b.model.PageTranslation(o, v, state)
			return b.execute(buf, "page", v)
		}})
	}
	if pl.pages[wikipath.Root] == nil {
		jobs = append(jobs, job{file: indexFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			return b.execute(buf, "page", b.model.Folder(b.output(ctx, sc), wikipath.Root))
		}})
	}
	for _, d := range pl.folders {
		jobs = append(jobs, job{file: outputFile(d), make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			return b.execute(buf, "page", b.model.Folder(b.output(ctx, sc), d))
		}})
	}
	for _, old := range pl.redirs {
		jobs = append(jobs, job{file: outputFile(old), make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			return b.redirect(buf, sc, pl.aliases[old])
		}})
	}
	jobs = append(jobs, b.listJobs()...)
	for _, f := range pl.attach {
		jobs = append(jobs, job{file: f, make: func(ctx context.Context, _ scheme, _ *bytes.Buffer) ([]byte, error) {
			e, _ := pl.st.File(f)
			return pl.st.Loader().Repo().ReadBlob(ctx, e.Blob, maxAttachment)
		}})
	}
	jobs = append(jobs,
		job{file: feedFile, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) { return b.feed() }},
		job{file: notFoundFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) { return b.notFound(ctx, buf) }},
		job{file: noJekyllFile, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) { return []byte{}, nil }},
		job{file: MarkerFile, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) {
			return []byte("gitwiki static export of commit " + b.commit.Hash.String() + "\n"), nil
		}},
	)
	if pl.live != "" {
		jobs = append(jobs,
			job{file: sitemapFile, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) { return b.sitemap() }},
			job{file: robotsFile, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) { return b.robots(), nil }},
		)
	}
	return jobs
}

func outputFile(p wikipath.Page) string {
	if p == wikipath.Root {
		return indexFile
	}
	return string(p) + "/" + indexFile
}

// listJobs are the pages of the export's own: search, all pages, tags.
func (b *build) listJobs() []job {
	pl := b.plan
	jobs := []job{
		{file: searchDir + indexFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			v := b.model.Search(b.output(ctx, sc), present.SearchRequest{})
			v.AZ = b.model.AZ()
			return b.execute(buf, "search", v)
		}},
		{file: pagesDir + indexFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			return b.execute(buf, "pages", b.model.Pages(b.output(ctx, sc)))
		}},
	}
	if len(pl.st.Languages()) > 1 {
		jobs = append(jobs, job{file: translationsDir + indexFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			rep, err := pl.st.TranslationReport(ctx)
			if err != nil {
				return nil, err
			}
			return b.execute(buf, "translations", b.model.Translations(b.output(ctx, sc), rep))
		}})
	}
	if len(pl.tagList) == 0 {
		return jobs
	}
	jobs = append(jobs, job{file: tagsDir + indexFile, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
		return b.execute(buf, "tags", b.model.Tags(b.output(ctx, sc)))
	}})
	for _, t := range pl.tagList {
		file := tagsDir + t.Kind + "/" + pl.tags[tagKey{t.Kind, t.Name}] + "/" + indexFile
		jobs = append(jobs, job{file: file, make: func(ctx context.Context, sc scheme, buf *bytes.Buffer) ([]byte, error) {
			v, _ := b.model.Tag(b.output(ctx, sc), t.Kind, t.Name)
			return b.execute(buf, "tags", v)
		}})
	}
	return jobs
}

// notFound is 404.html. Static hosts serve it at any depth, so with a base
// URL its links are absolute paths under the base URL's path; without one
// they are relative to the site root, which is right at the root and from
// file://.
func (b *build) notFound(ctx context.Context, buf *bytes.Buffer) ([]byte, error) {
	sc := scheme{plan: b.plan, prefix: b.basePath}
	v := &theme.ErrorView{
		Status:  404,
		Heading: "Page not found",
		Message: "There is no page at this address in this copy of the wiki.",
	}
	v.Base = b.base(ctx, sc, v.Heading)
	v.NoIndex = true
	return b.execute(buf, "error", v)
}

var redirectPage = template.Must(template.New("redirect").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<title>{{.Title}}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.URL}}">
<link rel="canonical" href="{{.URL}}">
</head>
<body>
<p>This page has moved to <a href="{{.URL}}">{{.Title}}</a>.</p>
</body>
</html>
`))

// redirect is the page left at an old name from a page's aliases: a meta
// refresh and a link, with no script, so it works under any CSP.
func (b *build) redirect(buf *bytes.Buffer, sc scheme, to wikipath.Page) ([]byte, error) {
	p := b.plan.pages[to]
	err := redirectPage.Execute(buf, struct{ Lang, Title, URL, CSP string }{b.plan.st.Lang(p), p.Title, sc.page(to), theme.StaticCSP})
	return buf.Bytes(), err
}

// finish fills the report, sorted so it reads the same every time.
func (b *build) finish(rep *Report) {
	pl := b.plan
	rep.Pages = len(pl.list) + len(pl.folders) + len(pl.redirs)
	if pl.pages[wikipath.Root] == nil {
		rep.Pages++
	}
	rep.Attachments = len(pl.attach)
	rep.Files = int(b.files.Load())
	rep.Bytes = b.bytes.Load()
	rep.SearchIndex = b.search.Bytes
	rep.Broken = append(rep.Broken[:0], b.broken...)
	rep.Failed = append(rep.Failed[:0], b.failed...)
	rep.Skipped = append(rep.Skipped[:0], pl.skipped...)
	sortProblems(rep.Broken)
	sortProblems(rep.Failed)
	sortProblems(rep.Skipped)
}

func sortProblems(ps []Problem) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		return a.Reason < b.Reason
	})
}
