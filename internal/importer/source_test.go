package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name string
	data string
	mode fs.FileMode
}

func mustZip(t *testing.T, entries ...entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "src.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestZipRefusesEscapes: one entry that names a place outside the zip, or
// a symlink, refuses the whole zip.
func TestZipRefusesEscapes(t *testing.T) {
	cases := []struct {
		name string
		e    entry
	}{
		{"dot dot", entry{name: "space/../../etc/passwd", data: "x"}},
		{"leading dot dot", entry{name: "../x.html", data: "x"}},
		{"absolute", entry{name: "/etc/passwd", data: "x"}},
		{"drive letter", entry{name: "C:/x.html", data: "x"}},
		{"backslash", entry{name: `space\..\x.html`, data: "x"}},
		{"symlink", entry{name: "link", data: "/etc/passwd", mode: fs.ModeSymlink | 0o777}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustZip(t, entry{name: "ok.html", data: "<p>fine</p>"}, tc.e)
			s, err := OpenSource(p, Limits{})
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, ErrUnsafe) {
				t.Errorf("got %v, want ErrUnsafe", err)
			}
		})
	}
}

// TestZipBombs: the limits hold whatever the zip claims.
func TestZipBombs(t *testing.T) {
	big := strings.Repeat("0", 1<<20) // 1 MiB of zeros deflates to about 1 KiB
	t.Run("declared total", func(t *testing.T) {
		p := mustZip(t, entry{name: "a", data: big}, entry{name: "b", data: big})
		_, err := OpenSource(p, Limits{MaxFiles: 10, MaxFileBytes: 4 << 20, MaxTotalBytes: 1 << 20})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("one file", func(t *testing.T) {
		p := mustZip(t, entry{name: "a", data: big})
		s, err := OpenSource(p, Limits{MaxFiles: 10, MaxFileBytes: 1000, MaxTotalBytes: 8 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.ReadFile("a"); !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("too many files", func(t *testing.T) {
		var es []entry
		for _, n := range []string{"a", "b", "c", "d"} {
			es = append(es, entry{name: n, data: n})
		}
		if _, err := OpenSource(mustZip(t, es...), Limits{MaxFiles: 3, MaxFileBytes: 10, MaxTotalBytes: 100}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("lying header", func(t *testing.T) {
		p := lyingZip(t, big)
		s, err := OpenSource(p, Limits{MaxFiles: 10, MaxFileBytes: 1 << 30, MaxTotalBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.ReadFile("a"); err == nil {
			t.Error("a file that inflates past what its header says was read")
		}
	})
}

// lyingZip writes an entry whose header claims 10 bytes but which inflates
// to all of data.
func lyingZip(t *testing.T, data string) string {
	t.Helper()
	var raw bytes.Buffer
	zw := zip.NewWriter(&raw)
	w, _ := zw.Create("a")
	w.Write([]byte(data))
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f := zr.File[0]
	compressed, _ := f.OpenRaw()
	var out bytes.Buffer
	zw2 := zip.NewWriter(&out)
	h := f.FileHeader
	h.UncompressedSize64 = 10
	cw, err := zw2.CreateRaw(&h)
	if err != nil {
		t.Fatal(err)
	}
	b := new(bytes.Buffer)
	b.ReadFrom(compressed)
	cw.Write(b.Bytes())
	zw2.Close()
	p := filepath.Join(t.TempDir(), "lying.zip")
	os.WriteFile(p, out.Bytes(), 0o644)
	return p
}

// TestZipTopFolder: a zip of one folder reads like that folder.
func TestZipTopFolder(t *testing.T) {
	s, err := OpenSource(mustZip(t, entry{name: "KEY/index.html", data: "i"}, entry{name: "KEY/attachments/1/2.png", data: "p"}, entry{name: "__MACOSX/._x", data: "junk"}), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.Files(), " "); got != "attachments/1/2.png index.html" {
		t.Errorf("files %q", got)
	}
	if b, err := s.ReadFile("index.html"); err != nil || string(b) != "i" {
		t.Errorf("read %q, %v", b, err)
	}
}

// TestFolderSymlinks: a symlink inside the folder is followed, one that
// leads out is skipped and reported; dotfiles are skipped.
func TestFolderSymlinks(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>x</p>"), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden"), []byte("x"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "leak.txt")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	os.Symlink("page.html", filepath.Join(dir, "alias.html"))
	os.Symlink(filepath.Dir(outside), filepath.Join(dir, "outdir"))
	s, err := OpenSource(dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.Files(), " "); got != "alias.html page.html" {
		t.Errorf("files %q, want the page and the symlink inside the folder", got)
	}
	if _, err := s.ReadFile("leak.txt"); err == nil {
		t.Error("a symlink out of the source was read")
	}
	if !strings.Contains(strings.Join(s.Problems, "\n"), "leak.txt") {
		t.Errorf("problems %q do not name the symlink", s.Problems)
	}
}

// TestBadSources: missing, empty, not a zip, a broken zip.
func TestBadSources(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.zip"), []byte("PK\x03\x04 and then nothing"), 0o644)
	os.Mkdir(filepath.Join(dir, "empty"), 0o755)
	for _, tc := range []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope"), "does not exist"},
		{"empty", filepath.Join(dir, "empty"), "is empty"},
		{"text file", filepath.Join(dir, "notes.txt"), "neither a folder nor a zip"},
		{"broken zip", filepath.Join(dir, "broken.zip"), "not a valid zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenSource(tc.path, Limits{})
			if !errors.Is(err, ErrSource) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrSource saying %q", err, tc.want)
			}
		})
	}
}
