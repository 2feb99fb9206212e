package store

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadPackQuarantine: a pack made by C git, with deltas between
// versions of a large tree and of a long page, is read into quarantine with
// every object's kind right, is invisible until installed, and leaves no
// file behind when discarded.
func TestReadPackQuarantine(t *testing.T) {
	needGit(t)
	work := t.TempDir()
	gitCmd(t, work, "init", "-q", "-b", "main")
	long := strings.Repeat("a line of a long page\n", 300)
	for i := range 60 {
		writeFile(t, filepath.Join(work, fmt.Sprintf("dir/page%02d.md", i)), long)
	}
	gitCmd(t, work, "add", ".")
	gitCmd(t, work, "commit", "-qm", "one")
	writeFile(t, filepath.Join(work, "dir/page07.md"), long+"one more\n")
	gitCmd(t, work, "commit", "-qam", "two")
	cmd := exec.Command("git", "pack-objects", "--stdout", "--revs", "--window=50")
	cmd.Dir = work
	cmd.Stdin = strings.NewReader("HEAD\n")
	packBytes, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if v := gitCmd(t, work, "verify-pack", "-v", writePack(t, packBytes)); !strings.Contains(v, "chain length") {
		t.Fatalf("the pack has no deltas:\n%s", v)
	}

	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	p, err := r.ReadPack(ctx, bytes.NewReader(packBytes))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = p.Each(ctx, func(id Hash, kind ObjectKind, raw []byte) error {
		n++
		if want := gitCmd(t, work, "cat-file", "-t", id.String()); kind.String() != want {
			t.Errorf("%s is a %s, read as %s", id.Short(), want, kind)
		}
		if kind != KindBlob && !bytes.Equal(raw, []byte(gitCmd(t, work, "cat-file", kind.String(), id.String())+"\n")) && kind != KindTree {
			t.Errorf("%s: content differs", id.Short())
		}
		return nil
	})
	if err != nil || n != p.Len() || n != 2+4+2 {
		t.Fatalf("Each: %v, %d objects of %d", err, n, p.Len())
	}
	head := mustParse(t, gitCmd(t, work, "rev-parse", "HEAD"))
	if _, err := r.Commit(ctx, head); err == nil {
		t.Fatal("a quarantined commit is readable")
	}
	p.Close()
	if tmp, _ := filepath.Glob(filepath.Join(r.GitDir(), "objects", "pack", "tmp_*")); len(tmp) != 0 {
		t.Fatalf("left behind: %v", tmp)
	}

	p, err = r.ReadPack(ctx, bytes.NewReader(packBytes))
	if err == nil {
		err = p.Install()
	}
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if c, err := r.Commit(ctx, head); err != nil || c.Subject() != "two" {
		t.Fatalf("installed commit: %v %v", c, err)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
}

func writePack(tb testing.TB, b []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	p := filepath.Join(dir, "x.pack")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	gitCmd(tb, dir, "index-pack", p)
	return p
}
