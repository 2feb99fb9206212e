package pages

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Change is an edit of several files computed against the branch as it is
// when written: a move or a delete. Compute runs again after a lost race.
type Change struct {
	Page    wikipath.Page
	Author  store.Signature
	Message string
	Compute func(ctx context.Context, st *site.Site) ([]store.FileWrite, error)
}

// Apply computes a change on top of ref's head and publishes it with a
// compare-and-swap, recomputing after a lost race.
func (s *Service) Apply(ctx context.Context, ref string, ch *Change) (store.Hash, error) {
	done, err := s.repo.Turn(ctx, ref)
	if err != nil {
		return store.ZeroHash, err
	}
	defer done()
	deadline := time.Now().Add(maxWait)
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		head, err := s.repo.ResolveRef(ctx, ref)
		if err != nil {
			return store.ZeroHash, err
		}
		writes, err := s.Compute(ctx, head, ch)
		if err != nil {
			return store.ZeroHash, err
		}
		c, err := s.repo.WriteCommit(ctx, head, writes, s.info(ch.Author, ch.Message))
		if err != nil {
			return store.ZeroHash, err
		}
		err = s.repo.UpdateRef(ctx, ref, c, head)
		if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrLocked) {
			backoff(ctx, attempt)
			continue
		}
		return c, err
	}
	return store.ZeroHash, ErrBusy
}

// Compute runs a change against a commit and returns its writes with
// repository paths, for a commit or a proposal.
func (s *Service) Compute(ctx context.Context, at store.Hash, ch *Change) ([]store.FileWrite, error) {
	st, err := s.loader.At(ctx, at)
	if err != nil {
		return nil, err
	}
	writes, err := ch.Compute(ctx, st)
	if err != nil {
		return nil, err
	}
	for i := range writes {
		writes[i].Path = s.loader.RepoPath(writes[i].Path)
	}
	return writes, nil
}

// Move prepares moving page from to page to. Every link to it across the
// wiki is rewritten in the same commit, relative links inside the page are
// adjusted to its new folder, and the old name is kept in aliases, so old
// URLs redirect.
func (s *Service) Move(from, to wikipath.Page, author store.Signature, summary string) *Change {
	if summary == "" {
		summary = "Move " + string(from) + " to " + string(to)
	}
	return &Change{Page: to, Author: author, Message: summary + "\n", Compute: func(ctx context.Context, st *site.Site) ([]store.FileWrite, error) {
		p, ok := st.Page(from)
		if !ok {
			return nil, problem("path", Gone, "move_gone", "Page", from)
		}
		if to == from || to == wikipath.Root || from == wikipath.Root {
			return nil, problem("path", Invalid, "move_same")
		}
		if st.Exists(to) {
			return nil, problem("path", Exists, "page_exists", "Page", to)
		}
		newFile := string(to) + ".md"
		if base := path.Base(p.File); base != path.Base(string(from))+".md" {
			newFile = path.Join(string(to), base) // a folder page stays a folder page
		}
		if _, taken := st.File(newFile); taken {
			return nil, problem("path", Exists, "file_exists", "File", newFile)
		}
		src, err := st.Source(ctx, p)
		if err != nil {
			return nil, err
		}
		src = s.relink(src, p, st, func(t wikipath.Page) (wikipath.Page, string, bool) { return t, "", false }, path.Dir(newFile))
		if src, err = addAlias(src, string(from)); err != nil {
			return nil, problem("content", Invalid, "front_matter_update", "Error", err.Error())
		}
		writes := []store.FileWrite{{Path: p.File, Delete: true}, {Path: newFile, Content: src}}
		for _, b := range st.Backlinks(from) {
			if b.Name == from {
				continue
			}
			bsrc, err := st.Source(ctx, b)
			if err != nil {
				return nil, err
			}
			out := s.relink(bsrc, b, st, func(t wikipath.Page) (wikipath.Page, string, bool) {
				return to, newFile, t == from
			}, path.Dir(b.File))
			writes = append(writes, store.FileWrite{Path: b.File, Content: out})
		}
		return writes, nil
	}}
}

// relink rewrites the links of page p (read from st): links to pages for
// which retarget says yes point at the new page, and relative markdown links
// are rewritten relative to newDir (the folder p will live in).
func (s *Service) relink(src []byte, p *site.Page, st *site.Site, retarget func(wikipath.Page) (wikipath.Page, string, bool), newDir string) []byte {
	return s.renderer.RewriteLinks(src, func(l render.Link) (render.LinkEdit, bool) {
		t, ok := render.ResolveLink(st, p.Name, p.File, l)
		if !ok {
			return render.LinkEdit{}, false
		}
		moved, movedFile, yes := retarget(t)
		switch {
		case l.Kind == render.LinkWiki && yes:
			return render.LinkEdit{Target: string(moved), Label: l.Target}, true
		case l.Kind == render.LinkMarkdown && yes:
			return render.LinkEdit{Target: relPath(newDir, movedFile)}, true
		case l.Kind == render.LinkMarkdown && newDir != path.Dir(p.File):
			tp, ok := st.Page(t)
			if !ok {
				return render.LinkEdit{}, false
			}
			return render.LinkEdit{Target: relPath(newDir, tp.File)}, true
		}
		return render.LinkEdit{}, false
	})
}

// relPath is the relative path from folder dir to file, as a markdown link.
func relPath(dir, file string) string {
	if dir == "." {
		dir = ""
	}
	from := strings.Split(dir, "/")
	if dir == "" {
		from = nil
	}
	to := strings.Split(file, "/")
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
}

// addAlias appends an old name to the page's aliases so its old URL
// redirects; the front matter is created if there is none.
func addAlias(src []byte, alias string) ([]byte, error) {
	format, fm, body, ok := render.SplitFrontMatter(src)
	if ok && format == "toml" {
		return src, nil // rare enough: the move still works, without the redirect
	}
	var doc yaml.Node
	if ok {
		if err := yaml.Unmarshal(fm, &doc); err != nil {
			return nil, err
		}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errors.New("the front matter is not a list of keys and values")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "aliases" {
			list = m.Content[i+1]
		}
	}
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		m.Content = append(m.Content, strNode("aliases"), list)
	}
	if list.Kind == yaml.ScalarNode {
		*list = yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{strNode(list.Value)}}
	}
	for _, c := range list.Content {
		if c.Value == alias {
			return src, nil
		}
	}
	list.Content = append(list.Content, strNode(alias))
	out, err := encodeYAML(&doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		body = src
	}
	return join("---\n", out, "---\n", body), nil
}

// Delete prepares deleting a page. Links to it become links to a missing
// page, which readers can follow to create it again.
func (s *Service) Delete(page wikipath.Page, author store.Signature, summary string) *Change {
	if summary == "" {
		summary = "Delete " + string(page)
	}
	return &Change{Page: page, Author: author, Message: summary + "\n", Compute: func(ctx context.Context, st *site.Site) ([]store.FileWrite, error) {
		p, ok := st.Page(page)
		if !ok {
			return nil, problem("path", Gone, "delete_gone", "Page", page)
		}
		return []store.FileWrite{{Path: p.File, Delete: true}}, nil
	}}
}
