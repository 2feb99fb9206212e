package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func age(tb testing.TB, path string, d time.Duration) {
	tb.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(path, old, old); err != nil {
		tb.Fatal(err)
	}
}

// TestLockRules: a lock file that another process holds is never taken,
// however old; one no process holds (a C git writer's, or a dead one's) is
// taken only once far older than C git holds a lock. Once any lock older
// than 5 s was taken, so a writer stalled by heavy I/O lost its lock.
func TestLockRules(t *testing.T) {
	if !haveOSLocks {
		t.Skip("no OS locks here")
	}
	r := MustInit(t, map[string]string{"index.md": "v0\n"})
	c0, _ := r.Head(ctx)
	c1, err := r.WriteCommit(ctx, c0, []FileWrite{{Path: "index.md", Content: []byte("v1\n")}}, CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(r.GitDir(), "refs", "heads", "main.lock")

	// Held by another open file, as another process would hold it.
	other, err := takeLock(lock)
	if err != nil {
		t.Fatal(err)
	}
	age(t, lock, time.Hour)
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, c0); !errors.Is(err, ErrLocked) {
		t.Fatalf("a held lock an hour old: got %v, want ErrLocked", err)
	}
	r2, err := Open(r.GitDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2.Close()
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("Open removed a held lock: %v", err)
	}
	other.abort()

	// No one holds it: a C git writer's, taken only when far older.
	writeFile(t, lock, "")
	age(t, lock, time.Minute)
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, c0); !errors.Is(err, ErrLocked) {
		t.Fatalf("an unheld lock a minute old: got %v, want ErrLocked", err)
	}
	age(t, lock, 2*foreignLockAge)
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, c0); err != nil {
		t.Fatalf("an unheld lock older than %v: %v", foreignLockAge, err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatalf("lock left: %v", err)
	}
}

// TestKilledWriterDebris: a writer in another process, killed with
// SIGKILL while it holds ref locks and temporary files, keeps them while it
// lives, even against an old age, and leaves nothing after the next Open.
// Once Open removed only stale ref locks, and objects/pack/tmp_obj_* piled
// up (7 after 10 kill -9 rounds).
func TestKilledWriterDebris(t *testing.T) {
	if !haveOSLocks {
		t.Skip("no OS locks here")
	}
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "v0\n"})
	c0, _ := r.Head(ctx)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKilledWriter$")
	cmd.Env = append(os.Environ(), "GITWIKI_STORE_HELPER="+r.GitDir())
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	sc := bufio.NewScanner(stdout)
	var debris []string
	for sc.Scan() && sc.Text() != "ready" {
		if p, ok := strings.CutPrefix(sc.Text(), "debris "); ok {
			debris = append(debris, p)
		}
	}
	if len(debris) != 4 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper did not start: %v %v", debris, sc.Err())
	}
	main := filepath.Join(r.GitDir(), "refs", "heads", "main.lock")
	age(t, main, time.Hour)
	if err := r.UpdateRef(ctx, "refs/heads/main", c0, c0); !errors.Is(err, ErrLocked) {
		t.Fatalf("a live writer's lock, an hour old: got %v, want ErrLocked", err)
	}
	if r2, err := Open(r.GitDir(), Options{}); err != nil {
		t.Fatal(err)
	} else {
		r2.Close()
	}
	for _, p := range debris {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("Open removed a live writer's %s: %v", p, err)
		}
	}

	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	r.Close()
	r3, err := Open(r.GitDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Close()
	for _, p := range debris {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("after the kill and Open, %s is still there: %v", filepath.Base(p), err)
		}
	}
	c1, err := r3.WriteCommit(ctx, c0, []FileWrite{{Path: "index.md", Content: []byte("v1\n")}}, CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "m"})
	if err == nil {
		err = r3.UpdateRef(ctx, "refs/heads/main", c1, c0)
	}
	if err == nil {
		err = r3.UpdateRef(ctx, "refs/heads/other", c1, ZeroHash)
	}
	if err != nil {
		t.Fatal(err)
	}
	gitCmd(t, r3.GitDir(), "fsck", "--strict")
}

// TestHelperKilledWriter is the writer TestKilledWriterDebris kills: it
// takes two ref locks and writes a half ref into one, starts a received
// pack and a go-git loose object, and waits.
func TestHelperKilledWriter(t *testing.T) {
	dir := os.Getenv("GITWIKI_STORE_HELPER")
	if dir == "" {
		t.Skip("run by TestKilledWriterDebris")
	}
	r, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pack := filepath.Join(r.GitDir(), "objects", "pack")
	var debris []string
	for _, ref := range []string{"main", "other"} {
		l, err := takeLock(filepath.Join(r.GitDir(), "refs", "heads", ref+".lock"))
		if err != nil {
			t.Fatal(err)
		}
		l.f.WriteString("0123")
		debris = append(debris, l.path)
	}
	tmp, err := createTemp(pack, tempPackPrefix)
	if err != nil {
		t.Fatal(err)
	}
	tmp.WriteString("PACK")
	obj := filepath.Join(pack, "tmp_obj_123456")
	if err := os.WriteFile(obj, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(debris, tmp.Name(), obj) {
		fmt.Println("debris", p)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // until killed
}
