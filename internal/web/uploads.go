package web

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// collectUploads gathers the files carried in hidden fields and the one
// just uploaded, checking each by its content and listing it in the form.
func collectUploads(r *http.Request, v *theme.EditView) ([]pages.Upload, error) {
	var out []pages.Upload
	add := func(name string, data []byte) error {
		file, md, err := pages.Attachment(string(v.Page), string(v.Page)+".md", name, data)
		if err != nil {
			return err
		}
		base := file[strings.LastIndexByte(file, '/')+1:]
		v.Attachments = append(v.Attachments, theme.PendingFile{Name: base, Data: base64.StdEncoding.EncodeToString(data), Size: int64(len(data)), Markdown: md})
		if !strings.Contains(v.Content, "("+base+")") && v.Content != "" {
			v.Content = strings.TrimRight(v.Content, "\n") + "\n\n" + md + "\n"
		}
		out = append(out, pages.Upload{Name: base, Data: data})
		return nil
	}
	names, datas := r.Form["pending_name"], r.Form["pending_data"]
	for i := range min(len(names), len(datas), maxUploads) {
		data, err := base64.StdEncoding.DecodeString(datas[i])
		if err != nil {
			return nil, errDamagedUpload
		}
		if err := add(names[i], data); err != nil {
			return nil, err
		}
	}
	if r.MultipartForm == nil {
		return out, nil
	}
	for _, fh := range r.MultipartForm.File["attachment"] {
		if len(out) >= maxUploads {
			return nil, errTooManyFiles
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, pages.MaxAttachment+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if err := add(fh.Filename, data); err != nil {
			return nil, err
		}
	}
	return out, nil
}
