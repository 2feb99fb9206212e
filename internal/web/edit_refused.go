package web

import (
	"errors"
	"slices"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// editRefused translates a refusal of pages.Save into the editor: a
// conflict shows both texts merged between markers, cleaning shows the
// cleaned text, a refused file is dropped from the form.
func editRefused(v *theme.EditView, err error) error {
	var (
		cf *pages.Conflict
		cl *pages.Cleaned
		pr *pages.Problem
	)
	switch {
	case errors.As(err, &cf):
		// Both versions between markers are the whole page's, shown as
		// any page is: a section edit becomes one of the whole page.
		editSource(v, []byte(cf.Merged), v.PageTitle, v.Raw)
		v.BaseRev = cf.Head.String()
		v.Conflict = &theme.EditConflict{Mine: cf.Mine, Theirs: cf.Theirs, Regions: len(cf.Regions), Deleted: cf.Deleted}
		if v.Fields != nil {
			// The text box holds the body: so do the two versions beside it.
			v.Conflict.Mine, v.Conflict.Theirs = bodyOf(cf.Mine), bodyOf(cf.Theirs)
		}
	case errors.As(err, &cl):
		editSource(v, cl.Source, v.PageTitle, v.Raw)
		v.Notes = cl.Notes
	case errors.As(err, &pr) && pr.Attachment != "":
		v.Attachments = slices.DeleteFunc(v.Attachments, func(p theme.PendingFile) bool { return p.Name == pr.Attachment })
	}
	return editForm(v, err)
}

// editForm shows the editor again with the reason err gives.
func editForm(v *theme.EditView, err error) error {
	return &formError{err: err, view: "edit", data: v, set: func(field, msg string) {
		v.Problem, v.ProblemField = msg, field
	}}
}

// bodyOf is a page source without its front matter, when it has one the
// editor's fields can show.
func bodyOf(src string) string {
	if d, ok := pages.SplitDraft([]byte(src)); ok {
		return d.Body
	}
	return src
}
