package web

import (
	"bytes"
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
