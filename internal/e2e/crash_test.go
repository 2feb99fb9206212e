package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrashDuringEdits kills the server with SIGKILL in the middle of a
// stream of edits, many times over. After each kill the repository must
// pass git fsck, every edit the server acknowledged (answered 303) must be
// in main, and the server must start again on the same repository.
func TestCrashDuringEdits(t *testing.T) {
	rounds := 10
	if testing.Short() {
		rounds = 3
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "wiki")
	os.MkdirAll(repo, 0o755)
	git(t, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "wiki.yaml"), []byte("title: Crash test\nedit_policy: open\n"), 0o644)
	var shared strings.Builder
	shared.WriteString("# Shared\n")
	for g := range 4 {
		fmt.Fprintf(&shared, "\n## Writer %d\n\nwriter %d: start\n", g, g)
	}
	os.WriteFile(filepath.Join(repo, "shared.md"), []byte(shared.String()), 0o644)
	os.WriteFile(filepath.Join(repo, "index.md"), []byte("# Home\n"), 0o644)
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "start")
	// The server takes edits on a bare repository; a checkout of the branch
	// would have them undone by its next commit, and is refused.
	git(t, dir, "clone", "-q", "--bare", repo, repo+".git")
	repo += ".git"
	cfg := filepath.Join(dir, "gitwiki.yaml")
	os.WriteFile(cfg, []byte("write_burst: 1000000\nwrites_per_hour: 1000000\n"), 0o644)
	data := filepath.Join(dir, "data")

	var acked []ack
	var mu sync.Mutex
	for round := range rounds {
		s := StartServer(t, "--repo", repo, "--data", data, "--config", cfg)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					var page, content, marker string
					if i%3 == 2 {
						// An edit of the writer's own section of a shared page,
						// from whatever base it read: merges with the others.
						base, text, ok := readAt(s.URL, "shared")
						if !ok {
							return
						}
						marker = fmt.Sprintf("writer %d: round %d edit %d", g, round, i)
						lines := strings.Split(text, "\n")
						for j, l := range lines {
							if strings.HasPrefix(l, fmt.Sprintf("writer %d: ", g)) {
								lines[j] = marker
							}
						}
						page, content = "shared", strings.Join(lines, "\n")
						if postEdit(s.URL, page, content, base) {
							mu.Lock()
							acked = append(acked, ack{page, marker})
							mu.Unlock()
						}
						continue
					}
					base, _, ok := readAt(s.URL, "")
					if !ok {
						return
					}
					page = fmt.Sprintf("crash/r%d-g%d-e%d", round, g, i)
					marker = fmt.Sprintf("edit %s", page)
					if postEdit(s.URL, page, "# "+marker+"\n", base) {
						mu.Lock()
						acked = append(acked, ack{page, marker})
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(150+rand.IntN(500)) * time.Millisecond)
		s.cmd.Process.Kill() // SIGKILL: no chance to clean up
		<-s.done
		close(stop)
		wg.Wait()

		gitFsck(t, repo)
		mu.Lock()
		n := len(acked)
		for _, a := range acked {
			file := a.page + ".md"
			got, err := gitErr(t, repo, "show", "main:"+file)
			if err != nil || !strings.Contains(got, a.marker) {
				// A later edit by the same writer replaces its line; it may have
				// been committed without its answer arriving before the kill.
				if a.page == "shared" && err == nil && supersededIn(got, a.marker) {
					continue
				}
				hist, _ := gitErr(t, repo, "log", "--format=%h %an %s", "-S", a.marker, "main", "--", file)
				t.Fatalf("round %d: acknowledged edit %q of %s is missing from main\ncommits adding or removing it:\n%s\nmain:\n%s", round, a.marker, file, hist, got)
			}
		}
		mu.Unlock()
		t.Logf("round %d: %d edits acknowledged so far", round, n)
		time.Sleep(600 * time.Millisecond) // let lock files left by the kill age past the start-up check
	}
	if len(acked) == 0 {
		t.Fatal("no edit was acknowledged in any round")
	}
	s := StartServer(t, "--repo", repo, "--data", data, "--config", cfg)
	s.mustGet(t, "/shared", http.StatusOK)
}

// ack is an edit the server answered 303: page and a text it must contain.
type ack struct{ page, marker string }

// supersededIn reports whether text holds a later edit of marker's line:
// "writer G: round R edit I" with a greater (R, I).
func supersededIn(text, marker string) bool {
	var g, r, i int
	if _, err := fmt.Sscanf(marker, "writer %d: round %d edit %d", &g, &r, &i); err != nil {
		return false
	}
	for _, line := range strings.Split(text, "\n") {
		var g2, r2, i2 int
		if _, err := fmt.Sscanf(line, "writer %d: round %d edit %d", &g2, &r2, &i2); err == nil && g2 == g {
			return r2 > r || (r2 == r && i2 > i)
		}
	}
	return false
}

// readAt returns the head revision and, when page is not empty, the page's
// source at exactly that revision.
func readAt(base, page string) (rev, text string, ok bool) {
	resp, err := client.Get(base + "-/health")
	if err != nil {
		return "", "", false
	}
	var h struct{ Revision string }
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if page == "" {
		return h.Revision, "", h.Revision != ""
	}
	resp, err = client.Get(base + "-/raw/" + page + "?rev=" + h.Revision)
	if err != nil {
		return "", "", false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return h.Revision, string(b), resp.StatusCode == http.StatusOK
}

// postEdit submits the editor form as a browser would; it reports whether
// the server acknowledged the edit with 303 See Other.
func postEdit(base, page, content, rev string) bool {
	form := url.Values{"content": {content}, "base": {rev}, "summary": {"crash test"}, "action": {"save"}}
	resp, err := client.PostForm(base+"-/edit/"+page, form)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther
}
