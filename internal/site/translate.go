package site

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Field is one front-matter key to set, with its value.
type Field struct{ Key, Value string }

// FrontMatterEdit is keys to set in one page's front matter, in order,
// keeping the rest of it.
type FrontMatterEdit struct {
	Page wikipath.Page
	File string
	Set  []Field
}

// NewTranslation is what "Translate this page" opens: where the new page
// goes, the text to start from, and the front matter that links it.
type NewTranslation struct {
	// Source is the page to translate from, whose text the editor starts
	// with: the original of the page asked about when it has one.
	Source *Page
	Lang   string
	// Translation is the new page (File does not exist yet) with lang,
	// translationKey and translationOf, the source's last change.
	Translation FrontMatterEdit
	// SourceEdit gives the source the same translationKey when it has none;
	// nil when it has one. Save it with the translation, so that the two
	// stay linked if either is moved.
	SourceEdit *FrontMatterEdit
}

// NewTranslation plans the translation of p (or of its original) into
// lang. The new page goes under the language's folder at the source's path
// within its own folder (en/intro → es/intro), or, for a language without a
// folder, next to the source as Hugo names translations (intro → intro.es,
// the home page → index.es).
func (s *Site) NewTranslation(ctx context.Context, p *Page, lang string) (*NewTranslation, error) {
	code, ok := NormalizeLang(lang)
	if !ok {
		return nil, fmt.Errorf("translate %s into %q: %w", p.Name, lang, ErrBadLanguage)
	}
	pl := s.pageLang(p)
	if pl == nil || p.Hidden {
		return nil, fmt.Errorf("translate %s: %w", p.Name, ErrNotTranslatable)
	}
	src, spl := p, pl
	if g := pl.group; g != nil && g.source != nil {
		src, spl = g.source, s.pageLang(g.source)
	}
	if spl.lang == code {
		return nil, fmt.Errorf("translate %s into %s: %w", src.Name, code, ErrSameLanguage)
	}
	if g := spl.group; g != nil {
		if q := g.page(code); q != nil {
			return nil, fmt.Errorf("translate %s into %s: %w: %s", src.Name, code, ErrTranslationExists, q.Name)
		}
	}
	name, file := s.translationPath(src, spl, code)
	if _, err := wikipath.Parse(string(name)); err != nil {
		return nil, fmt.Errorf("translate %s into %s: %w", src.Name, code, err)
	}
	if q, ok := s.Page(name); ok {
		return nil, fmt.Errorf("translate %s into %s: %w: %s", src.Name, code, ErrTranslationPathTaken, q.File)
	}
	if _, ok := s.File(file); ok {
		return nil, fmt.Errorf("translate %s into %s: %w: %s", src.Name, code, ErrTranslationPathTaken, file)
	}
	of := s.Commit
	if c, err := s.loader.LastChange(ctx, s.Commit, src.File); err != nil {
		return nil, err
	} else if c != nil {
		of = c.Hash
	}
	key := src.FrontMatter().TranslationKey
	nt := &NewTranslation{Source: src, Lang: code}
	if key == "" {
		key = spl.key
		if key == "" {
			key = relKey(src.Name)
		}
		nt.SourceEdit = &FrontMatterEdit{Page: src.Name, File: src.File, Set: []Field{{"translationKey", key}}}
	}
	nt.Translation = FrontMatterEdit{Page: name, File: file, Set: []Field{{"lang", code}, {"translationKey", key}, {"translationOf", of.String()}}}
	return nt, nil
}

// translationPath is where a translation of src into code goes, and its
// file: a folder page (index.md) stays one, so es/ gets es/index.md.
func (s *Site) translationPath(src *Page, spl *pageLang, code string) (wikipath.Page, string) {
	l, _ := s.LanguageOf(code)
	if l.Folder == "" {
		base := src.Name
		if base == wikipath.Root {
			base = "index"
		}
		name := wikipath.Page(string(base) + "." + strings.ToLower(code))
		return name, string(name) + ".md"
	}
	rel := src.Name
	if spl.folder != nil {
		rel = spl.rel
	}
	name := wikipath.Page(path.Join(string(l.Folder), string(rel)))
	if b := path.Base(src.File); slices.Contains(wikipath.FolderPageNames, b) {
		return name, path.Join(string(name), b)
	}
	return name, string(name) + ".md"
}
