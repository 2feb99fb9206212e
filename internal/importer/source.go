package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits bound what an import reads, so a hostile zip (a "bomb" that
// inflates to gigabytes, or millions of entries) fails early and cleanly.
// Every file is held in memory until the commit is written.
type Limits struct {
	MaxFiles      int   // files in the source
	MaxFileBytes  int64 // one file, as inflated
	MaxTotalBytes int64 // all files read, as inflated
}

// DefaultLimits suit a wiki: far above any real space or site, far below
// what would hurt a small server.
var DefaultLimits = Limits{MaxFiles: 20000, MaxFileBytes: 64 << 20, MaxTotalBytes: 512 << 20}

// Source is a read-only view of an import source, a folder or a zip file.
// Paths are slash-separated and relative to the source's root; nothing
// outside that root can be reached through it.
type Source struct {
	Name     string   // the source's base name, for messages and commit messages
	Problems []string // files skipped while listing, with the reason
	fsys     fs.FS
	files    []string
	sizes    map[string]int64
	limits   Limits
	read     int64
	closer   io.Closer
}

// OpenSource opens a folder or a .zip file. A folder is read through
// os.Root, so a symlink that leads out of it cannot be followed; a zip is
// refused whole if one entry names a path outside it.
func OpenSource(p string, lim Limits) (*Source, error) {
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not exist or cannot be read", ErrSource, p)
	}
	s := &Source{Name: filepath.Base(filepath.Clean(p)), limits: lim, sizes: map[string]int64{}}
	switch {
	case fi.IsDir():
		err = s.openDir(p)
	case fi.Mode().IsRegular():
		err = s.openZip(p, fi.Size())
	default:
		err = fmt.Errorf("%w: %s is neither a folder nor a zip file", ErrSource, p)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(s.files) == 0 {
		s.Close()
		return nil, fmt.Errorf("%w: %s is empty", ErrSource, p)
	}
	sort.Strings(s.files)
	return s, nil
}

func (s *Source) openDir(dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrSource, dir, err)
	}
	s.closer, s.fsys = root, root.FS()
	return fs.WalkDir(s.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.Problems = append(s.Problems, p+": "+err.Error())
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		// Stat follows a symlink, but only inside the root: one that leads
		// out fails here and is skipped.
		fi, err := fs.Stat(s.fsys, p)
		if err != nil {
			s.Problems = append(s.Problems, p+": skipped: it leads outside the source or cannot be read")
			return nil
		}
		if !fi.Mode().IsRegular() {
			s.Problems = append(s.Problems, p+": skipped: not a regular file")
			return nil
		}
		return s.add(p, fi.Size())
	})
}

// zipMagic starts every zip file, the empty one included.
var zipMagic = [][]byte{[]byte("PK\x03\x04"), []byte("PK\x05\x06")}

func (s *Source) openZip(name string, size int64) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrSource, name, err)
	}
	s.closer = f
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil || !(bytes.Equal(head, zipMagic[0]) || bytes.Equal(head, zipMagic[1])) {
		return fmt.Errorf("%w: %s is neither a folder nor a zip file", ErrSource, name)
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return fmt.Errorf("%w: %s is not a valid zip file: %v", ErrSource, name, err)
	}
	if len(zr.File) > s.limits.MaxFiles {
		return fmt.Errorf("%w: %s has %d entries, more than %d", ErrTooLarge, name, len(zr.File), s.limits.MaxFiles)
	}
	var declared uint64
	for _, zf := range zr.File {
		if err := checkEntryName(zf.Name); err != nil {
			return fmt.Errorf("%w: %s: entry %q %v", ErrUnsafe, name, zf.Name, err)
		}
		if zf.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s: entry %q is a symbolic link", ErrUnsafe, name, zf.Name)
		}
		declared += zf.UncompressedSize64
	}
	if declared > uint64(s.limits.MaxTotalBytes) {
		return fmt.Errorf("%w: %s inflates to %d bytes, more than %d", ErrTooLarge, name, declared, s.limits.MaxTotalBytes)
	}
	s.fsys = zr
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || strings.HasSuffix(zf.Name, "/") {
			continue
		}
		if hidden(zf.Name) {
			continue
		}
		if err := s.add(zf.Name, int64(zf.UncompressedSize64)); err != nil {
			return err
		}
	}
	s.stripTopFolder()
	return nil
}

// checkEntryName refuses what could name a file outside the zip.
func checkEntryName(n string) error {
	switch {
	case !utf8.ValidString(n):
		return errors.New("is not valid UTF-8")
	case strings.ContainsAny(n, "\\\x00"):
		return errors.New("contains a backslash or NUL")
	case strings.HasPrefix(n, "/"), len(n) > 1 && n[1] == ':':
		return errors.New("is an absolute path")
	}
	for _, seg := range strings.Split(n, "/") {
		if seg == ".." {
			return errors.New("climbs out with \"..\"")
		}
	}
	return nil
}

func hidden(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") || seg == "__MACOSX" {
			return true
		}
	}
	return false
}

func (s *Source) add(p string, size int64) error {
	p = path.Clean(p)
	if len(s.files) >= s.limits.MaxFiles {
		return fmt.Errorf("%w: more than %d files", ErrTooLarge, s.limits.MaxFiles)
	}
	s.files = append(s.files, p)
	s.sizes[p] = size
	return nil
}

// stripTopFolder makes a zip whose entries all sit in one folder (as a
// Confluence space export does: "KEY/index.html") read like that folder.
func (s *Source) stripTopFolder() {
	if len(s.files) == 0 {
		return
	}
	top, _, ok := strings.Cut(s.files[0], "/")
	if !ok {
		return
	}
	for _, f := range s.files {
		if !strings.HasPrefix(f, top+"/") {
			return
		}
	}
	sub, err := fs.Sub(s.fsys, top)
	if err != nil {
		return
	}
	s.fsys = sub
	sizes := map[string]int64{}
	for i, f := range s.files {
		s.files[i] = strings.TrimPrefix(f, top+"/")
		sizes[s.files[i]] = s.sizes[f]
	}
	s.sizes = sizes
}

// Files lists every regular file, sorted.
func (s *Source) Files() []string { return s.files }

// Has reports whether the source holds the file p.
func (s *Source) Has(p string) bool {
	_, ok := s.sizes[p]
	return ok
}

// ReadFile reads one file within the limits: a file that inflates past
// MaxFileBytes, or a read that takes the total past MaxTotalBytes, fails
// with ErrTooLarge whatever the zip's headers claimed.
func (s *Source) ReadFile(p string) ([]byte, error) {
	if !s.Has(p) {
		return nil, fmt.Errorf("%w: %s: no such file in the source", ErrSource, p)
	}
	f, err := s.fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSource, p, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, s.limits.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSource, p, err)
	}
	if int64(len(b)) > s.limits.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, p, s.limits.MaxFileBytes)
	}
	s.read += int64(len(b))
	if s.read > s.limits.MaxTotalBytes {
		return nil, fmt.Errorf("%w: the files read pass %d bytes", ErrTooLarge, s.limits.MaxTotalBytes)
	}
	return b, nil
}

// Close releases the folder or zip file.
func (s *Source) Close() error {
	if s == nil || s.closer == nil {
		return nil
	}
	err := s.closer.Close()
	s.closer = nil
	return err
}
