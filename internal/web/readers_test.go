package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestReadsDuringEdits: anonymous readers keep reading pages that every
// commit has, through the view cache and its front, while a maintainer
// saves one edit after another (new pages, so the navigation changes,
// and an existing page). Every read answers 200: a page that exists is
// never missing while another is being committed (a 404 was seen once
// under the benchmark's mixed load).
func TestReadsDuringEdits(t *testing.T) {
	tw := MustServe(t, testFiles, func(o *Options) { o.WriteBurst, o.WritesPerHour = 1000, 1000 })
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var stop atomic.Bool
	var reads atomic.Int64
	bad := make(chan string, 16)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				for _, path := range []string{"/Guides/Backups", "/Guides", "/", "/-/pages"} {
					resp, err := client.Get(tw.ts.URL + path)
					if err != nil {
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					reads.Add(1)
					if resp.StatusCode != http.StatusOK {
						select {
						case bad <- fmt.Sprintf("GET %s: %d", path, resp.StatusCode):
						default:
						}
					}
				}
			}
		}()
	}
	for i := range 40 {
		page, content := fmt.Sprintf("Notes/R%d", i), fmt.Sprintf("# Note R%d\n\nSaved while others read.\n", i)
		if i%2 == 1 {
			page, content = "Guides/Passwords", fmt.Sprintf("# Passwords\n\nEdit %d.\n", i)
		}
		form := url.Values{"content": {content}, "base": {mustHead(t, tw)}}
		req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+"/-/edit/"+page, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(alice)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit %d of %s: %d", i, page, resp.StatusCode)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Error(b)
	}
	t.Logf("%d reads", reads.Load())
}
