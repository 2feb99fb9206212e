package web

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// csp allows nothing but this origin, and no inline script or style.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// middleware wraps every request. Cross-origin form posts are refused before
// any handler sees them (http.CrossOriginProtection, set up in auth.go).
func (s *Server) middleware(h http.Handler) http.Handler {
	return s.logRequests(s.upstreamMiddleware(s.recoverPanics(securityHeaders(gzipResponses(s.auth.csrf.Handler(privateCache(s.whileStarting(s.cachedViews(h)))))))))
}

// security are the headers every answer carries, keys in canonical form.
// The value slices are shared by every response: each holds one value at
// full capacity, so a handler's Add copies rather than writes into it.
var security = [...]struct {
	key string
	val []string
}{
	{"Content-Security-Policy", []string{csp}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}},
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, s := range security {
			hd[s.key] = s.val[:1:1]
		}
		h.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a plain 500 and logs it with its stack:
// a bug must not take the server down, and must not be silent.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rw, ok := w.(*statusWriter); !ok || !rw.wrote {
					http.Error(w, "Something went wrong on our side. The error has been logged; please try again later.", http.StatusInternalServerError)
				}
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// statusWriter records what was sent, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one line per request. Client addresses are left out
// unless the operator asked for them: readers may be endangered by a log.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		// LogAttrs and typed attributes: no boxing, and five attributes
		// fit in the record without a slice of their own.
		ms := slog.Int64("ms", time.Since(start).Milliseconds())
		if s.logIPs {
			s.log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), ms, slog.String("ip", s.clientAddr(r).String()))
			return
		}
		s.log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), ms)
	})
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return w
}}

// compressible lists the types worth compressing; images and archives are
// compressed already.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch ct {
	case "text/html", "text/css", "text/plain", "text/markdown", "text/javascript", "application/javascript",
		"application/json", "application/atom+xml", "application/xml", "image/svg+xml", "text/xml":
		return true
	}
	return false
}

// gzipResponses compresses text answers for clients that accept gzip: on a
// slow link, pages shrink four- to eightfold.
func gzipResponses(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		// The validators this layer handed out carry "-gz"; handlers know
		// only the plain ones, so take the suffix off what comes back.
		if inm := r.Header.Get("If-None-Match"); strings.Contains(inm, `-gz"`) {
			r.Header.Set("If-None-Match", strings.ReplaceAll(inm, `-gz"`, `"`))
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	rest := r.Header.Get("Accept-Encoding")
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (w *gzipWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	hd := w.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified || status == http.StatusPartialContent ||
		hd.Get("Content-Encoding") != "" || !compressible(hd.Get("Content-Type")) {
		return
	}
	hd.Del("Content-Length")
	hd.Set("Content-Encoding", "gzip")
	// A compressed body is a different representation: its ETag must differ.
	if et := hd.Get("ETag"); et != "" && !strings.HasSuffix(et, `-gz"`) {
		hd.Set("ETag", strings.TrimSuffix(et, `"`)+`-gz"`)
	}
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) WriteHeader(status int) {
	w.decide(status)
	w.ResponseWriter.WriteHeader(status)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) close() {
	if w.gz != nil {
		w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack lets git's smart HTTP or websockets bypass compression if ever needed.
func (w *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("hijack not supported")
}
