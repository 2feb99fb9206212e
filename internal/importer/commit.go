package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/store"
)

// CommitOptions say where and how an import is committed.
type CommitOptions struct {
	Repo    string // repository directory; created (bare) when it does not exist
	Branch  string // "" means the repository's HEAD branch, or "main" for a new one
	Message string // "" means a message naming the source and the totals
	Force   bool   // overwrite files that exist with other content
	Author  store.Signature
}

// maxRetries bounds how often a commit is retried after losing the race
// for the branch to another writer.
const maxRetries = 3

// Commit writes the result as one commit. Into an existing repository it
// adds one commit on top of the branch and overwrites no file whose content
// differs unless Force is set, in which case Report.Replaced lists them; a
// missing repository is created bare, as `gitwiki init` creates one, with
// the import (and a wiki.yaml from Settings) as its first commit. Nothing
// is written when it fails.
func Commit(ctx context.Context, res *Result, opts CommitOptions) (store.Hash, error) {
	files, err := res.files()
	if err != nil {
		return store.ZeroHash, err
	}
	if opts.Author.Name == "" {
		opts.Author = store.Signature{Name: "gitwiki import", Email: "import@gitwiki.invalid"}
	}
	if opts.Author.When.IsZero() {
		opts.Author.When = time.Now()
	}
	msg := opts.Message
	if strings.TrimSpace(msg) == "" {
		msg = res.message()
	}
	fresh, err := isNewRepo(opts.Repo)
	if err != nil {
		return store.ZeroHash, err
	}
	if fresh {
		return res.initRepo(opts, files, msg)
	}
	r, err := store.Open(opts.Repo, store.Options{Branch: opts.Branch})
	if err != nil {
		return store.ZeroHash, fmt.Errorf("open %s: %w", opts.Repo, err)
	}
	defer r.Close()
	for attempt := 1; ; attempt++ {
		c, err := res.commitOnto(ctx, r, files, opts, msg)
		if errors.Is(err, store.ErrStale) && attempt < maxRetries {
			continue
		}
		return c, err
	}
}

// isNewRepo: the directory is missing or empty. One that holds other files
// but no repository is refused rather than turned into one.
func isNewRepo(dir string) (bool, error) {
	if dir == "" {
		return false, fmt.Errorf("%w: no repository given", ErrSource)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("repository %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return true, nil
	}
	if _, err := os.Stat(path.Join(dir, "HEAD")); err == nil {
		return false, nil
	}
	if _, err := os.Stat(path.Join(dir, ".git")); err == nil {
		return false, nil
	}
	return false, fmt.Errorf("%s is not a git repository and not empty: give a new directory or an existing repository", dir)
}

func (res *Result) initRepo(opts CommitOptions, files []store.FileWrite, msg string) (store.Hash, error) {
	branch := opts.Branch
	if branch == "" {
		branch = "main"
	}
	content := fstest.MapFS{}
	for _, f := range files {
		content[f.Path] = &fstest.MapFile{Data: f.Content, Mode: 0o644}
	}
	if s := res.Settings; s != nil {
		if _, taken := content["wiki.yaml"]; !taken {
			b, err := s.yaml()
			if err != nil {
				return store.ZeroHash, err
			}
			content["wiki.yaml"] = &fstest.MapFile{Data: b, Mode: 0o644}
		}
	}
	r, err := store.Init(opts.Repo, branch, content, opts.Author, msg)
	if err != nil {
		return store.ZeroHash, err
	}
	defer r.Close()
	h, err := r.Head(context.Background())
	if err == nil {
		res.Report.Commit = h.String()
	}
	return h, err
}

func (res *Result) commitOnto(ctx context.Context, r *store.Repo, files []store.FileWrite, opts CommitOptions, msg string) (store.Hash, error) {
	head, err := r.Head(ctx)
	if errors.Is(err, store.ErrNotFound) {
		head, err = store.ZeroHash, nil
	}
	if err != nil {
		return store.ZeroHash, err
	}
	writes, replaced, err := changes(ctx, r, head, files)
	if err != nil {
		return store.ZeroHash, err
	}
	if len(replaced) > 0 && !opts.Force {
		return store.ZeroHash, conflictError(replaced)
	}
	res.Report.Replaced = replaced
	if len(writes) == 0 {
		res.Report.Problemf("", "every imported file is already in the repository with the same content: nothing was committed")
		return head, nil
	}
	c, err := r.WriteCommit(ctx, head, writes, store.CommitInfo{Author: opts.Author, Committer: opts.Author, Message: msg})
	if err != nil {
		return store.ZeroHash, err
	}
	if err := r.UpdateRef(ctx, "refs/heads/"+r.Branch(), c, head); err != nil {
		return store.ZeroHash, err
	}
	res.Report.Commit = c.String()
	return c, nil
}

// changes drops files already present with the same content and lists
// those that would replace other content (or a folder, or sit under a file).
func changes(ctx context.Context, r *store.Repo, head store.Hash, files []store.FileWrite) (writes []store.FileWrite, replaced []string, err error) {
	if head.IsZero() {
		return files, nil, nil
	}
	tree, err := r.Tree(ctx, head)
	if err != nil {
		return nil, nil, err
	}
	dirs := map[string]bool{}
	for _, e := range tree.Entries() {
		for d := path.Dir(e.Path); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, f := range files {
		if dirs[f.Path] {
			replaced = append(replaced, f.Path+"/ (a folder)")
			continue
		}
		if under := fileAbove(tree, f.Path); under != "" {
			replaced = append(replaced, under)
			continue
		}
		e, ok := tree.Lookup(f.Path)
		if !ok {
			writes = append(writes, f)
			continue
		}
		old, err := r.ReadBlob(ctx, e.Blob, int64(len(f.Content))+1)
		if err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		replaced = append(replaced, f.Path)
		writes = append(writes, f)
	}
	return writes, replaced, nil
}

// fileAbove finds a file standing where a folder of p must go.
func fileAbove(t *store.Tree, p string) string {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if _, ok := t.Lookup(d); ok {
			return d
		}
	}
	return ""
}

func conflictError(paths []string) error {
	shown := paths
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if len(paths) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(paths)-len(shown))
	}
	return fmt.Errorf("%w: %s%s (nothing was committed; import into another folder with --into, or pass --force to replace them)",
		ErrConflict, strings.Join(shown, ", "), more)
}

func (res *Result) files() ([]store.FileWrite, error) {
	var out []store.FileWrite
	for _, p := range res.Pages {
		b, err := p.Bytes()
		if err != nil {
			return nil, err
		}
		out = append(out, store.FileWrite{Path: p.Path, Content: b})
	}
	for _, f := range res.Files {
		out = append(out, store.FileWrite{Path: f.Path, Content: f.Data})
	}
	return out, nil
}

// message is the default commit message: what came in, and what needs a look.
func (res *Result) message() string {
	r := res.Report
	var b strings.Builder
	fmt.Fprintf(&b, "Import %s %s: %d pages, %d attachments\n\n", r.Kind, r.Source, r.Pages, r.AttachmentsCopied)
	fmt.Fprintf(&b, "Links rewritten: %d; repaired: %d; left unresolved: %d.\n", r.LinksRewritten, len(r.Repaired), len(r.Unresolved))
	fmt.Fprintf(&b, "Attachments missing from the source: %d. Macros replaced: %d.\n", len(r.Missing), len(r.Macros))
	fmt.Fprintf(&b, "Imported with gitwiki import %s.\n", r.Kind)
	return b.String()
}

func (s *Settings) yaml() ([]byte, error) {
	type file struct {
		Title       string   `yaml:"title,omitempty"`
		Description string   `yaml:"description,omitempty"`
		Language    string   `yaml:"language,omitempty"`
		Nav         []string `yaml:"nav,omitempty"`
	}
	b, err := yaml.Marshal(file{s.Title, s.Description, s.Language, s.Nav})
	if err != nil {
		return nil, err
	}
	return append([]byte("# Site settings, written by gitwiki import from the source's own.\n"), b...), nil
}
