package pages

import (
	"bytes"
	"path"
	"strings"
	"unicode"

	"github.com/gitwiki/gitwiki/internal/store"
)

// MaxAttachment bounds one uploaded file.
const MaxAttachment = 10 << 20

// attachmentTypes are the formats accepted, recognised by their first bytes
// rather than by the name a browser sends. SVG is refused: it can carry
// script, and cleaning it reliably is harder than doing without it.
var attachmentTypes = []struct {
	ext   string
	match func([]byte) bool
}{
	{".png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }},
	{".jpg", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xff\xd8\xff")) }},
	{".gif", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
	}},
	{".webp", func(b []byte) bool { return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" }},
	{".pdf", func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) }},
}

// AcceptedTypes is the file input's accept attribute.
const AcceptedTypes = "image/png,image/jpeg,image/gif,image/webp,application/pdf"

// Attachment checks an uploaded file and places it next to the page, under
// a safe name whose extension matches its content. It returns the file's
// content-root-relative path and the markdown that links to it from the page.
func Attachment(page string, pageFile string, name string, data []byte) (file, markdown string, err error) {
	if len(data) == 0 {
		return "", "", problem("attachment", Invalid, "file_empty", "Name", name)
	}
	if len(data) > MaxAttachment {
		return "", "", problem("attachment", TooLarge, "file_too_large", "Name", name, "MB", MaxAttachment>>20)
	}
	ext := ""
	for _, t := range attachmentTypes {
		if t.match(data) {
			ext = t.ext
			break
		}
	}
	if ext == "" {
		return "", "", problem("attachment", Unsupported, "file_kind", "Name", name)
	}
	base := safeName(strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name)))
	if base == "" {
		base = "file"
	}
	dir := path.Dir(pageFile)
	file = path.Join(dir, base+ext)
	if dir == "." {
		file = base + ext
	}
	label := strings.ReplaceAll(base, "-", " ")
	rel := base + ext
	if ext == ".pdf" {
		return file, "[" + label + "](" + rel + ")", nil
	}
	return file, "![" + label + "](" + rel + ")", nil
}

// safeName keeps letters, digits, "-" and "_", so an uploaded name can
// never be a path, a dotfile or markup.
func safeName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() > 80 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// WithAttachment adds an uploaded file to a prepared edit, in the same commit.
func (p *Prepared) WithAttachment(file string, data []byte) {
	p.Extra = append(p.Extra, store.FileWrite{Path: file, Content: data})
}
