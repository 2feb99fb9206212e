package site

import (
	"context"
	"fmt"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Source reads a page's markdown.
func (s *Site) Source(ctx context.Context, p *Page) ([]byte, error) {
	return s.loader.repo.ReadBlob(ctx, p.Blob, MaxPageBytes)
}

// Render renders a page. urlsKey names the URL scheme of urls (server or
// export), so cached HTML is never served with another scheme's links.
func (s *Site) Render(ctx context.Context, p *Page, urls render.URLs, urlsKey string) (*render.Document, error) {
	src, err := s.Source(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.File, err)
	}
	key := fmt.Sprintf("%s|%s|%s|%s", p.Blob, p.File, s.fingerprint, urlsKey)
	// Content may arrive by push from anyone a maintainer merged: it is
	// rendered in the bounded pool, with a deadline, like a preview.
	return s.loader.renderer.RenderUntrustedCached(ctx, key, src, render.Context{Page: p.Name, File: p.File, Resolver: s, URLs: urls})
}

// RenderSpecial renders _Sidebar or _Footer when the wiki has one.
func (s *Site) RenderSpecial(ctx context.Context, name wikipath.Page, urls render.URLs, urlsKey string) (*render.Document, bool) {
	p, ok := s.pages.get(name)
	if !ok {
		return nil, false
	}
	doc, err := s.Render(ctx, p, urls, urlsKey)
	return doc, err == nil
}

// FileSize is the size of a content file's blob, without reading it.
func (s *Site) FileSize(ctx context.Context, e store.Entry) (int64, error) {
	return s.loader.repo.BlobSize(ctx, e.Blob)
}

// ReadFile reads a content file (an attachment) by blob, at most max bytes.
func (s *Site) ReadFile(ctx context.Context, e store.Entry, max int64) ([]byte, error) {
	return s.loader.repo.ReadBlob(ctx, e.Blob, max)
}
