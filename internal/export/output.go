package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBadOutput is wrapped by every refusal of --out.
var ErrBadOutput = errors.New("bad output path")

func badOutput(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadOutput, fmt.Sprintf(format, a...))
}

// target is where a build goes. The build writes into a temporary
// directory or file next to it, on the same filesystem, and renames it into
// place only when it is complete, so a failed build leaves nothing behind.
type target struct {
	out      string // absolute, with symlinks resolved
	zip      bool
	replaces bool // out exists and is a previous export
}

// checkTarget refuses outputs that could destroy or pollute something:
// inside the repository's git directory, inside the content of a working
// tree (the export would become content), around the repository, or over a
// directory or file that is not a previous export.
func checkTarget(out, gitDir, contentDir string) (*target, error) {
	if strings.TrimSpace(out) == "" {
		return nil, badOutput("--out is empty")
	}
	abs, err := realPath(out)
	if err != nil {
		return nil, badOutput("%s: %v", out, err)
	}
	t := &target{out: abs, zip: strings.EqualFold(filepath.Ext(abs), ".zip")}
	if filepath.Dir(abs) == abs {
		return nil, badOutput("%s is a filesystem root", out)
	}
	if gitDir != "" {
		g, err := realPath(gitDir)
		if err != nil {
			return nil, err
		}
		if within(abs, g) {
			return nil, badOutput("%s is inside the repository's git directory %s", out, g)
		}
		if within(g, abs) {
			return nil, badOutput("%s contains the repository %s", out, g)
		}
	}
	if contentDir != "" {
		c, err := realPath(contentDir)
		if err != nil {
			return nil, err
		}
		if within(abs, c) {
			return nil, badOutput("%s is inside the wiki's content in the working tree %s: the export would become content", out, c)
		}
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return t, nil
	case err != nil:
		return nil, badOutput("%s: %v", out, err)
	case t.zip:
		if !fi.Mode().IsRegular() || !isExportZip(abs) {
			return nil, badOutput("%s exists and is not a zip written by gitwiki build: remove it or choose another --out", out)
		}
	case !fi.IsDir():
		return nil, badOutput("%s exists and is not a directory", out)
	default:
		entries, err := os.ReadDir(abs)
		if err != nil {
			return nil, badOutput("%s: %v", out, err)
		}
		if len(entries) > 0 {
			if _, err := os.Stat(filepath.Join(abs, MarkerFile)); err != nil {
				return nil, badOutput("%s exists and is not a previous export (it has no %s file): remove it or choose another --out", out, MarkerFile)
			}
		}
	}
	t.replaces = true
	return t, nil
}

// realPath is the absolute path with symlinks resolved as far as the path
// exists, so two spellings of one place compare equal.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		if filepath.Dir(cur) == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func isExportZip(file string) bool {
	r, err := zip.OpenReader(file)
	if err != nil {
		return false
	}
	defer r.Close()
	for _, f := range r.File {
		if f.Name == MarkerFile {
			return true
		}
	}
	return false
}

// sink receives the files of a build; it is safe for concurrent use.
type sink interface {
	write(name string, data []byte) error
	// commit moves the finished build into place; abort removes it.
	commit() error
	abort()
}

// dirSink writes files into a temporary directory next to the target.
type dirSink struct {
	t    *target
	tmp  string
	mu   sync.Mutex
	made map[string]bool
}

func newSink(t *target, modTime time.Time) (sink, error) {
	parent := filepath.Dir(t.out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, badOutput("cannot create %s: %v", parent, err)
	}
	prefix := "." + filepath.Base(t.out) + ".tmp-"
	if t.zip {
		f, err := os.CreateTemp(parent, prefix+"*.zip")
		if err != nil {
			return nil, badOutput("cannot write in %s: %v", parent, err)
		}
		return &zipSink{t: t, f: f, mod: modTime, files: map[string]zipEntry{}}, nil
	}
	tmp, err := os.MkdirTemp(parent, prefix+"*")
	if err != nil {
		return nil, badOutput("cannot write in %s: %v", parent, err)
	}
	return &dirSink{t: t, tmp: tmp, made: map[string]bool{".": true}}, nil
}

func (s *dirSink) write(name string, data []byte) error {
	if err := s.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.tmp, filepath.FromSlash(name)), data, 0o644)
}

// mkdir makes dir and the folders above it, remembering what it made: one
// system call per folder, where MkdirAll would stat first.
func (s *dirSink) mkdir(dir string) error {
	s.mu.Lock()
	made := s.made[dir]
	s.mu.Unlock()
	if made {
		return nil
	}
	if err := s.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(s.tmp, filepath.FromSlash(dir)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	s.mu.Lock()
	s.made[dir] = true
	s.mu.Unlock()
	return nil
}

func (s *dirSink) commit() error {
	// MkdirTemp makes the folder private; an export is for publishing.
	if err := os.Chmod(s.tmp, 0o755); err != nil {
		return err
	}
	var old string
	if s.t.replaces {
		old = s.tmp + ".old"
		if err := os.Rename(s.t.out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(s.tmp, s.t.out); err != nil {
		if old != "" {
			os.Rename(old, s.t.out)
		}
		return err
	}
	if old != "" {
		return removeAll(old)
	}
	return nil
}

// removeAll removes a previous export, its top-level entries in parallel:
// deleting thousands of small files is most of the cost of replacing one.
func removeAll(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return os.RemoveAll(dir)
	}
	errs := make([]error, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(entries), 2*runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(entries); i = int(next.Add(1) - 1) {
				errs[i] = os.RemoveAll(filepath.Join(dir, entries[i].Name()))
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.Remove(dir)
}

func (s *dirSink) abort() { os.RemoveAll(s.tmp) }

// zipSink compresses each file in the worker that made it and writes the
// zip at the end, entries sorted by name and dated with the commit, so the
// same commit always gives the same bytes.
type zipSink struct {
	t     *target
	f     *os.File
	mod   time.Time
	mu    sync.Mutex
	files map[string]zipEntry
}

type zipEntry struct {
	method uint16
	crc    uint32
	size   uint64
	data   []byte // compressed, or stored as is
}

var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

func (s *zipSink) write(name string, data []byte) error {
	e := zipEntry{method: zip.Store, crc: crc32.ChecksumIEEE(data), size: uint64(len(data))}
	if compressed(name) || len(data) == 0 {
		// data may be a worker's buffer, reused for its next file.
		e.data = bytes.Clone(data)
	} else {
		var buf bytes.Buffer
		fw := flaters.Get().(*flate.Writer)
		fw.Reset(&buf)
		fw.Write(data)
		err := fw.Close()
		flaters.Put(fw)
		if err != nil {
			return err
		}
		e.method, e.data = zip.Deflate, buf.Bytes()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = e
	return nil
}

func (s *zipSink) commit() error {
	names := make([]string, 0, len(s.files))
	for n := range s.files {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriterSize(s.f, 1<<20)
	zw := zip.NewWriter(bw)
	for _, n := range names {
		e := s.files[n]
		h := &zip.FileHeader{Name: n, Method: e.method, Modified: s.mod.UTC(),
			CRC32: e.crc, CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.size}
		h.SetMode(0o644)
		zipTime(h)
		w, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(e.data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := s.f.Chmod(0o644); err != nil {
		return err
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	return os.Rename(s.f.Name(), s.t.out)
}

func (s *zipSink) abort() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// zipTime dates an entry as CreateHeader would, which CreateRaw does not:
// MS-DOS date and time, and the extended timestamp that keeps the seconds.
func zipTime(h *zip.FileHeader) {
	t := h.Modified
	//lint:ignore SA1019 CreateRaw writes these fields as given; Modified alone would be lost.
	h.ModifiedDate = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	//lint:ignore SA1019 as above.
	h.ModifiedTime = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	h.Extra = binary.LittleEndian.AppendUint32([]byte{0x55, 0x54, 5, 0, 1}, uint32(t.Unix()))
}

// compressed types gain nothing from deflate.
func compressed(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".zip", ".gz", ".pdf", ".mp3", ".mp4", ".webm", ".ogg", ".woff2", ".docx", ".xlsx", ".pptx", ".odt":
		return true
	}
	return false
}
