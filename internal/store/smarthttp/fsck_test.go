package smarthttp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

const blobID = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" // the empty blob

// rawTree encodes entries given as "mode name" (the id is blobID), in the
// order given.
func rawTree(entries ...string) []byte {
	id, _ := hex.DecodeString(blobID)
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(e)
		b.WriteByte(0)
		b.Write(id)
	}
	return b.Bytes()
}

func TestCheckTree(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  []byte
		want string // "" for a good tree
	}{
		{"ordinary", rawTree("40000 .github", "100644 .gitignore", "100644 Notes: 2024.md", "100644 a-b", "40000 a", "100644 a0", "120000 link", "100755 run", "160000 sub"), ""},
		{"lookalikes", rawTree("100644 .git-notes", "100644 .gitx", "100644 gitmodules", "40000 git~2"), ""},
		{".git", rawTree("40000 .git"), "git's own folder"},
		{".GIT", rawTree("40000 .GIT"), "git's own folder"},
		{".Git file", rawTree("100644 .Git"), "git's own folder"},
		{"git~1", rawTree("40000 git~1"), "git's own folder"},
		{"GIT~1", rawTree("40000 GIT~1"), "git's own folder"},
		{".git with a trailing space", rawTree("40000 .git "), "git's own folder"},
		{".git with trailing dots", rawTree("40000 .git.."), "git's own folder"},
		{".git data stream", rawTree("100644 .git::$INDEX_ALLOCATION"), "git's own folder"},
		{"HFS+ ignorable", rawTree("40000 .g\u200cit"), "git's own folder"},
		{"HFS+ byte order mark", rawTree("40000 \ufeff.GIT"), "git's own folder"},
		{"backslash", rawTree(`100644 a\.git`), "git's own folder"},
		{".gitmodules", rawTree("100644 .gitmodules"), ".gitmodules"},
		{".GITMODULES.", rawTree("100644 .GITMODULES."), ".gitmodules"},
		{"gitmod~1", rawTree("100644 gitmod~1"), ".gitmodules"},
		{"NTFS hashed short name", rawTree("100644 GI7EBA~1"), ".gitmodules"},
		{"HFS+ .gitmodules", rawTree("100644 .gitmodul\u200des"), ".gitmodules"},
		{"dot", rawTree("40000 ."), `named "."`},
		{"dotdot", rawTree("40000 .."), `named ".."`},
		{"empty name", rawTree("100644 "), "empty name"},
		{"slash", rawTree("100644 a/b.md"), "'/'"},
		{"absolute", rawTree("100644 /abs.md"), "'/'"},
		{"duplicate", rawTree("100644 a.md", "100644 a.md"), "duplicate"},
		{"file and folder", rawTree("100644 a", "100644 a-b", "40000 a"), "duplicate"},
		{"unsorted", rawTree("100644 b.md", "100644 a.md"), "not in git's order"},
		{"folder order", rawTree("40000 a", "100644 a-b"), "not in git's order"},
		{"group writable", rawTree("100664 a.md"), "bad file mode"},
		{"zero padded", rawTree("040000 a"), "bad file mode"},
		{"no mode", rawTree("644 a.md"), "bad file mode"},
		{"null id", append([]byte("100644 a.md\x00"), make([]byte, 20)...), "null object id"},
		{"truncated id", []byte("100644 a.md\x00abc"), "malformed tree"},
		{"no NUL", []byte("100644 a.md"), "malformed tree"},
		{"no space", []byte("100644a.md\x00aaaaaaaaaaaaaaaaaaaa"), "malformed tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, why := checkObject(store.KindTree, tc.raw)
			if tc.want == "" && why != "" || tc.want != "" && !strings.Contains(why, tc.want) {
				t.Fatalf("got %q, want %q", why, tc.want)
			}
		})
	}
}

func TestCheckCommitAndTag(t *testing.T) {
	const tree, parent = "tree " + blobID + "\n", "parent " + blobID + "\n"
	const ident = "A U Thor <a@example.org> 1767225600 +0100"
	good := tree + parent + "author " + ident + "\ncommitter " + ident + "\ngpgsig -----BEGIN-----\n abc\n -----END-----\n\nmessage\n"
	for _, tc := range []struct {
		name string
		kind store.ObjectKind
		raw  string
		want string
	}{
		{"good commit", store.KindCommit, good, ""},
		{"root commit, no message", store.KindCommit, tree + "author " + ident + "\ncommitter " + ident + "\n", ""},
		{"no tree", store.KindCommit, parent + "author " + ident + "\ncommitter " + ident + "\n\nm\n", "no tree"},
		{"bad tree id", store.KindCommit, "tree 123\nauthor " + ident + "\ncommitter " + ident + "\n\nm\n", "bad tree id"},
		{"bad parent", store.KindCommit, tree + "parent xyz\nauthor " + ident + "\ncommitter " + ident + "\n\nm\n", "bad parent"},
		{"no author", store.KindCommit, tree + "committer " + ident + "\n\nm\n", "no author"},
		{"two authors", store.KindCommit, tree + "author " + ident + "\nauthor " + ident + "\ncommitter " + ident + "\n\nm\n", "more than one author"},
		{"no committer", store.KindCommit, tree + "author " + ident + "\n\nm\n", "no committer"},
		{"no name", store.KindCommit, tree + "author <a@example.org> 1 +0000\ncommitter " + ident + "\n\nm\n", "no name"},
		{"no email", store.KindCommit, tree + "author A 1 +0000\ncommitter " + ident + "\n\nm\n", "email"},
		{"bad zone", store.KindCommit, tree + "author A <a@b> 1 +01\ncommitter " + ident + "\n\nm\n", "time zone"},
		{"zero padded date", store.KindCommit, tree + "author A <a@b> 0123 +0000\ncommitter " + ident + "\n\nm\n", "bad date"},
		{"date overflow", store.KindCommit, tree + "author A <a@b> 99999999999999999999999 +0000\ncommitter " + ident + "\n\nm\n", "bad date"},
		{"NUL in message", store.KindCommit, good + "\x00", "NUL"},
		{"unterminated", store.KindCommit, tree + "author " + ident, "unterminated"},
		{"good tag", store.KindTag, "object " + blobID + "\ntype commit\ntag v1\ntagger " + ident + "\n\nrelease\n", ""},
		{"tag without tagger", store.KindTag, "object " + blobID + "\ntype blob\ntag v1\n\nold\n", ""},
		{"tag without object", store.KindTag, "type commit\ntag v1\n\nm\n", "no object"},
		{"tag of a bad type", store.KindTag, "object " + blobID + "\ntype note\ntag v1\n\nm\n", "type"},
		{"tag without name", store.KindTag, "object " + blobID + "\ntype commit\n\nm\n", "no tag name"},
		{"bad tagger", store.KindTag, "object " + blobID + "\ntype commit\ntag v1\ntagger nobody\n\nm\n", "tagger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, why := checkObject(tc.kind, []byte(tc.raw))
			if tc.want == "" && why != "" || tc.want != "" && !strings.Contains(why, tc.want) {
				t.Fatalf("got %q, want %q", why, tc.want)
			}
		})
	}
}

// gitStdin runs C git with stdin and returns its trimmed output.
func gitStdin(tb testing.TB, dir string, stdin []byte, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestPushRefusesBadObjects: objects that C git's fsck rejects, built with
// C git and pushed with it, are refused with the reason before any ref
// moves, and never enter the repository. Once a push of .git/, .GIT/, ..,
// /abs.md, duplicate entries and git~1/ was accepted, and then every clone
// with transfer.fsckObjects failed.
func TestPushRefusesBadObjects(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	head, _ := r.Head(ctx)
	gs := serveServer(t, New(r, Options{}), false)
	dir := mustClone(t, gs.URL)
	hook := gitStdin(t, dir, []byte("[core]\n\tfsmonitor = touch /tmp/pwned\n"), "hash-object", "-w", "--stdin")
	// A folder holding config, as a planted .git would.
	folder := gitStdin(t, dir, []byte("100644 config\x00"+mustHexBytes(t, hook)), "hash-object", "-t", "tree", "-w", "--stdin", "--literally")
	index := gitCmd(t, dir, "rev-parse", "HEAD:index.md")
	entry := func(mode, name, id string) string { return mode + " " + name + "\x00" + mustHexBytes(t, id) }
	for _, tc := range []struct {
		name    string
		entries []string
		want    string
	}{
		{".git", []string{entry("40000", ".git", folder), entry("100644", "index.md", index)}, "git's own folder"},
		{".GIT", []string{entry("40000", ".GIT", folder), entry("100644", "index.md", index)}, "git's own folder"},
		{"git~1", []string{entry("40000", "git~1", folder), entry("100644", "index.md", index)}, "git's own folder"},
		{"..", []string{entry("40000", "..", folder), entry("100644", "index.md", index)}, `named ".."`},
		{"/abs.md", []string{entry("100644", "/abs.md", index), entry("100644", "index.md", index)}, "'/'"},
		{"duplicates", []string{entry("100644", "index.md", index), entry("100644", "index.md", hook)}, "duplicate"},
		{".gitmodules", []string{entry("100644", ".gitmodules", hook), entry("100644", "index.md", index)}, ".gitmodules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree := gitStdin(t, dir, []byte(strings.Join(tc.entries, "")), "hash-object", "-t", "tree", "-w", "--stdin", "--literally")
			commit := gitCmd(t, dir, "commit-tree", tree, "-p", "HEAD", "-m", "planted "+tc.name)
			out, err := gitTry(dir, "push", "origin", commit+":refs/heads/main")
			if err == nil || !strings.Contains(out, "remote rejected") || !strings.Contains(out, tc.want) {
				t.Fatalf("push accepted or without the reason (%v):\n%s", err, out)
			}
			if h, _ := r.Head(ctx); h != head {
				t.Fatalf("head moved to %s", h)
			}
			if _, err := gitTry(r.GitDir(), "cat-file", "-e", tree); err == nil {
				t.Fatalf("the refused tree %s is in the repository", tree)
			}
		})
	}
	t.Run("commit without author", func(t *testing.T) {
		raw := fmt.Sprintf("tree %s\nparent %s\ncommitter t <t@example.org> 1767225600 +0000\n\nno author\n", gitCmd(t, dir, "rev-parse", "HEAD^{tree}"), head)
		commit := gitStdin(t, dir, []byte(raw), "hash-object", "-t", "commit", "-w", "--stdin", "--literally")
		out, err := gitTry(dir, "push", "origin", commit+":refs/heads/proposals/1")
		if err == nil || !strings.Contains(out, "no author") {
			t.Fatalf("push accepted or without the reason (%v):\n%s", err, out)
		}
		if _, err := r.ResolveRef(ctx, "refs/heads/proposals/1"); err == nil {
			t.Fatal("the ref was created")
		}
	})
	// A good push still goes through, and the repository is clean.
	writeFile(t, filepath.Join(dir, "good.md"), "# Good\n")
	gitCmd(t, dir, "add", "good.md")
	gitCmd(t, dir, "commit", "-qm", "good")
	gitCmd(t, dir, "push", "-q", "origin", "main")
	if out, err := gitTry(r.GitDir(), "fsck", "--strict"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}
	other := filepath.Join(t.TempDir(), "checked")
	gitCmd(t, "", "-c", "transfer.fsckObjects=true", "clone", "-q", gs.URL, other)
}

func mustHexBytes(tb testing.TB, id string) string {
	tb.Helper()
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 20 {
		tb.Fatalf("bad id %q", id)
	}
	return string(b)
}
