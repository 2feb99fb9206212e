package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestConcurrentWrites: a room of trainees pressing "Propose change" at
// once, and maintainers saving at once, all succeed (hardening item 1).
// Every write is acknowledged with a 303 and present afterwards, clones
// never see a lock file as a ref, and the repository passes git fsck.
func TestConcurrentWrites(t *testing.T) {
	const n = 100
	tw := MustServe(t, testFiles, func(o *Options) { o.WriteBurst, o.WritesPerHour = 10*n, 10*n })
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	base := mustHead(t, tw)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, c *http.Cookie) (int, string, error) {
		req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), nil
	}

	stop := make(chan struct{})
	var adverts, lockAdverts atomic.Int64
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := client.Get(tw.ts.URL + "/-/git/info/refs?service=git-upload-pack")
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			adverts.Add(1)
			if resp.StatusCode != 200 || strings.Contains(string(b), ".lock") {
				lockAdverts.Add(1)
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan string, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			form := url.Values{"content": {fmt.Sprintf("# Passwords\n\nTrainee %d was here.\n", i)}, "base": {base}, "name": {fmt.Sprintf("Trainee %d", i)}}
			code, loc, err := post("/-/edit/Guides/Passwords", form, nil)
			if err != nil || code != http.StatusSeeOther || !strings.Contains(loc, "/-/proposals/") {
				errs <- fmt.Sprintf("proposal %d: %d %s %v", i, code, loc, err)
			}
		}()
		go func() {
			defer wg.Done()
			form := url.Values{"content": {fmt.Sprintf("# Note %d\n\nBy a maintainer.\n", i)}, "base": {base}}
			code, loc, err := post(fmt.Sprintf("/-/edit/Notes/N%d", i), form, alice)
			if err != nil || code != http.StatusSeeOther || !strings.Contains(loc, "saved=1") {
				errs <- fmt.Sprintf("maintainer edit %d: %d %s %v", i, code, loc, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	watch.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if lockAdverts.Load() > 0 {
		t.Errorf("%d of %d advertisements failed or showed a .lock ref", lockAdverts.Load(), adverts.Load())
	}

	ctx := context.Background()
	list, err := tw.srv.review.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range list {
		if p.State == review.Open {
			seen[p.Author.Name] = true
		}
	}
	for i := range n {
		if !seen[fmt.Sprintf("Trainee %d", i)] {
			t.Errorf("no open proposal by Trainee %d", i)
		}
	}
	branches, err := tw.repo.Refs(ctx, review.BranchPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(branches) != len(list) {
		t.Errorf("%d proposal branches for %d records", len(branches), len(list))
	}
	st, err := tw.srv.loader.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, ok := st.Page(wikipath.Page(fmt.Sprintf("Notes/N%d", i))); !ok {
			t.Errorf("maintainer edit %d is not on main", i)
		}
	}
	if out, err := exec.Command("git", "-C", tw.repo.GitDir(), "fsck", "--strict").CombinedOutput(); err != nil {
		t.Errorf("git fsck --strict: %v\n%s", err, out)
	}
}
