package web

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

// maxAttachment bounds what is read into memory to serve one file.
const maxAttachment = 64 << 20

// contentTypes are fixed here rather than taken from the host's mime
// database, so the same file is served the same way everywhere.
var contentTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".svg": "image/svg+xml",
	".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".json": "application/json", ".zip": "application/zip", ".odt": "application/vnd.oasis.opendocument.text",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".mp3":  "audio/mpeg", ".ogg": "audio/ogg", ".mp4": "video/mp4", ".webm": "video/webm",
	".yaml": "text/plain; charset=utf-8", ".yml": "text/plain; charset=utf-8", ".toml": "text/plain; charset=utf-8",
	".woff2": "font/woff2", ".css": "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".xhtml": "application/xhtml+xml",
	".xml": "text/xml; charset=utf-8", ".js": "text/javascript; charset=utf-8",
}

// active types can run script when opened directly; they are sandboxed, and
// pages are offered as downloads.
func active(ct string) (sandbox, download bool) {
	base, _, _ := strings.Cut(ct, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	switch base {
	case "image/svg+xml", "text/xml", "application/xml":
		return true, false
	case "text/html", "application/xhtml+xml", "text/javascript":
		return true, true
	}
	// Any other XML type (from the host's mime database: .xsl, .rdf, .mml,
	// ...) is rendered by browsers as XML, which can hold XHTML script.
	if strings.HasSuffix(base, "+xml") || strings.HasSuffix(base, "/xml") || strings.Contains(base, "javascript") || strings.Contains(base, "ecmascript") {
		return true, true
	}
	return false, false
}

func (s *Server) attachment(w http.ResponseWriter, r *http.Request, st *site.Site, file string, e store.Entry) error {
	if notModified(w, r, `"`+e.Blob.String()+`"`) {
		return nil
	}
	size, err := st.FileSize(r.Context(), e)
	if err != nil {
		return err
	}
	if size > maxAttachment {
		return store.ErrTooLarge
	}
	// A file is held in memory until the reader has it all; a slow reader
	// holds it long. The budget bounds what all of them hold at once.
	release, err := s.holdBytes(r.Context(), size)
	if err != nil {
		return err
	}
	defer release()
	b, err := st.ReadFile(r.Context(), e, maxAttachment)
	if err != nil {
		return err
	}
	ext := strings.ToLower(path.Ext(file))
	ct, ok := contentTypes[ext]
	if !ok {
		if ct = mime.TypeByExtension(ext); ct == "" {
			ct = http.DetectContentType(b)
		}
	}
	sandbox, download := active(ct)
	if sandbox {
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'")
	}
	if download {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(file)}))
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(b))
	return nil
}

// zeroTime leaves Last-Modified out: git blobs have no time of their own,
// and the ETag (the blob id) is the better validator.
var zeroTime time.Time

// attachmentBudget bounds the bytes of attachments held in memory for the
// responses being sent, at most attachmentWait for a share of it.
const (
	attachmentBudget = 128 << 20
	attachmentWait   = 15 * time.Second
)

// errBusyFiles asks a reader to come back: the budget for files being sent
// is used up by slower readers.
var errBusyFiles = errors.New("too many large files are being sent at once")

// holdBytes takes n bytes of the attachment budget, waiting a little for
// them, and returns the function that gives them back.
func (s *Server) holdBytes(ctx context.Context, n int64) (release func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, s.sendWait)
	defer cancel()
	if err := s.sendBudget.Acquire(ctx, n); err != nil {
		return nil, errBusyFiles
	}
	return func() { s.sendBudget.Release(n) }, nil
}
