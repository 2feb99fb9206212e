package pages

import (
	"bytes"
	"context"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// maxNameTries bounds the numbered names PlaceUpload tries.
const maxNameTries = 100

// PlaceUpload checks a file pasted or dropped into the editor as Attachment
// does (by its content), and names it so that saving the edit replaces
// nothing: the name it came with, or that name with -2, -3, … when a
// different file next to the page has it, or taken (the files the edit
// carries already) holds it. Phones and browsers call every pasted picture
// image.png. It returns the file's name next to the page and the Markdown
// that shows it. Nothing is stored: the file goes with the edit.
func (s *Service) PlaceUpload(ctx context.Context, st *site.Site, page wikipath.Page, name string, data []byte, taken []string) (file, markdown string, err error) {
	pf, _ := PageFile(st, page)
	full, md, err := Attachment(string(page), pf, name, data)
	if err != nil {
		return "", "", err
	}
	dir, base := path.Split(full)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i <= maxNameTries; i++ {
		cand := base
		if i > 1 {
			cand = stem + "-" + strconv.Itoa(i) + ext
		}
		if slices.Contains(taken, cand) {
			continue
		}
		if e, ok := st.File(dir + cand); ok {
			old, err := s.repo.ReadBlob(ctx, e.Blob, MaxAttachment)
			if err != nil {
				return "", "", err
			}
			if !bytes.Equal(old, data) {
				continue
			}
		}
		return cand, strings.Replace(md, "("+base+")", "("+cand+")", 1), nil
	}
	return "", "", problem("attachment", Exists, "attachment_exists", "Name", base)
}
