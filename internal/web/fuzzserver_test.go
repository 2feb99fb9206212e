package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

type (
	muxRoute  = mux.Route
	muxRouter = mux.Router
)

// TestFuzzServer sends random requests to every route of a running server:
// random paths, methods, headers, form fields, multipart bodies and query
// strings, anonymous and as a maintainer. None may answer 5xx, and none may
// move a ref (none carries a valid base revision or proposal head).
func TestFuzzServer(t *testing.T) {
	n := fuzzN
	if testing.Short() {
		n = 300
	}
	tw := MustServe(t, testFiles, func(o *Options) { o.WriteBurst, o.WritesPerHour = 100000, 100000 })
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	refsBefore := allRefs(t, tw)
	rng := rand.New(rand.NewPCG(uint64(fuzzSeed), 2026))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	templates := routeTemplates(t, tw)
	for i := range n {
		req := randomRequest(rng, tw.ts.URL, templates)
		if rng.IntN(3) == 0 {
			req.AddCookie(alice)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d (%s %s): %v", i, req.Method, req.URL, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("request %d: %s %s answered %d", i, req.Method, req.URL.String(), resp.StatusCode)
		}
	}
	if after := allRefs(t, tw); after != refsBefore {
		t.Errorf("a ref moved:\nbefore %s\nafter  %s", refsBefore, after)
	}
}

func allRefs(t *testing.T, tw *testWiki) string {
	t.Helper()
	refs, err := tw.repo.Refs(context.Background(), "refs/")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(refs)
}

// routeTemplates lists the path templates of the route table.
func routeTemplates(t *testing.T, tw *testWiki) []string {
	t.Helper()
	var out []string
	tw.srv.router.Walk(func(r *muxRoute, _ *muxRouter, _ []*muxRoute) error {
		if tpl, err := r.GetPathTemplate(); err == nil {
			out = append(out, tpl)
		}
		return nil
	})
	if len(out) < 30 {
		t.Fatalf("only %d routes", len(out))
	}
	return out
}

var fuzzWords = []string{"", "a", "Guides", "Guides/Backups", "..", "../..", ".git", ".git/config", "%00", "%2e%2e", "%2F", "Café notes",
	"-", "-/x", "\u202e", "a\x7fb", strings.Repeat("x", 300), strings.Repeat("é/", 200), "1", "0", "99999", "999999999", "-1",
	"javascript:alert(1)", "<script>", "'\"", "%", "%zz", "a b", "wiki.yaml", "_templates/Activity", "_Sidebar", "Empty/Sub/deep"}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func randomRequest(rng *rand.Rand, base string, templates []string) *http.Request {
	path := pick(rng, templates)
	for _, v := range []string{"{page:.*}", "{name}", "{name:.+}", "{kind:tag|category}", "{id:[0-9]{1,9}}"} {
		for strings.Contains(path, v) {
			path = strings.Replace(path, v, url.PathEscape(pick(rng, fuzzWords)), 1)
		}
	}
	if rng.IntN(5) == 0 {
		path = "/" + pick(rng, fuzzWords)
	}
	q := url.Values{}
	for range rng.IntN(4) {
		q.Add(pick(rng, []string{"rev", "from", "to", "q", "page", "proposal", "token", "template", "view", "saved", "next", "service", "format", "opened"}), pick(rng, fuzzWords))
	}
	method := pick(rng, []string{"GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"})
	var body io.Reader
	contentType := ""
	form := url.Values{}
	for range rng.IntN(8) {
		form.Add(pick(rng, []string{"content", "summary", "base", "name", "email", "path", "title", "proposal", "token", "action", "propose",
			"cleaned", "text", "reason", "message", "head", "reviewed", "username", "password", "password2", "website", "pending_name", "pending_data", "x"}), pick(rng, fuzzWords))
	}
	switch rng.IntN(4) {
	case 0:
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	case 1:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, vs := range form {
			mw.WriteField(k, vs[0])
		}
		if rng.IntN(2) == 0 {
			fw, _ := mw.CreateFormFile("attachment", pick(rng, fuzzWords))
			fw.Write([]byte(pick(rng, []string{"\x89PNG\r\n\x1a\nxxxx", "GIF89a", "%PDF-1.4", "<svg>", ""})))
		}
		mw.Close()
		body, contentType = &b, mw.FormDataContentType()
		if rng.IntN(4) == 0 {
			contentType = "multipart/form-data; boundary=wrong"
		}
	case 2:
		body, contentType = strings.NewReader(pick(rng, fuzzWords)), pick(rng, []string{"text/plain", "application/json", "application/x-git-upload-pack-request", "application/x-git-receive-pack-request"})
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil { // a path the client cannot send as it is
		req, _ = http.NewRequest(method, base+"/"+url.PathEscape(path), body)
	}
	if q.Encode() != "" {
		req.URL.RawQuery = q.Encode()
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for range rng.IntN(4) {
		v := pick(rng, append(fuzzWords, "gzip", "bytes=0-1", "bytes=5-2,3-", "*", "es, fr;q=0.5", "Basic YWxpY2U6eA==", "same-origin", "cross-site", "gitwiki_session=x.y"))
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			continue // the client would refuse to send it
		}
		k := pick(rng, []string{"Accept-Language", "If-None-Match", "Range", "Cookie", "Accept-Encoding", "X-Forwarded-For", "Content-Encoding", "Authorization", "Origin", "Sec-Fetch-Site"})
		req.Header.Add(k, v)
	}
	return req
}

// fuzzSeed and fuzzN are fixed, so a failure repeats; raise them locally
// to search further.
var fuzzSeed, fuzzN = 42, 1500
