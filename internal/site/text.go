package site

import (
	"context"
	"errors"
	"fmt"

	"github.com/gitwiki/gitwiki/internal/store"
)

// PageText is the plain text of a page's body, for search and snippets.
// The read model keeps it only when there is no facts cache: with one, it
// is read back from the cache, or from the page's source when the cache
// lost it.
func (s *Site) PageText(ctx context.Context, p *Page) (string, error) {
	if p.Summary == nil {
		return "", nil
	}
	if !p.textOnDisk {
		return p.Summary.Text, nil
	}
	if t, ok := s.loader.facts.text(p.Blob, p.File); ok {
		return t, nil
	}
	b, err := s.loader.repo.ReadBlob(ctx, p.Blob, MaxPageBytes)
	if errors.Is(err, store.ErrTooLarge) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", p.File, err)
	}
	return s.loader.renderer.Summarize(b, p.File).Text, nil
}
