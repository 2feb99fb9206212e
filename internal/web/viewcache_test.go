package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
)

// builds is how many responses the view cache has rendered so far.
func (tw *testWiki) builds() int64 { return tw.srv.views.builds.Load() }

// commitFile writes one file on the served branch through the server's
// repository, as an edit of this process would.
func (tw *testWiki) commitFile(tb testing.TB, path, content string) store.Hash {
	tb.Helper()
	ctx := context.Background()
	head, _ := tw.repo.Head(ctx)
	sig := store.Signature{Name: "Bo", Email: "bo@example.org", When: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
	c, err := tw.repo.WriteCommit(ctx, head, []store.FileWrite{{Path: path, Content: []byte(content)}}, store.CommitInfo{Author: sig, Committer: sig, Message: "Change " + path})
	if err != nil {
		tb.Fatal(err)
	}
	if err := tw.repo.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestViewCacheServesOnce: a second anonymous view of a page, a folder or
// the page list comes from the cache, byte for byte the same, with the same
// validator; a conditional request is answered 304.
func TestViewCacheServesOnce(t *testing.T) {
	tw := MustServe(t, testFiles)
	for _, path := range []string{"/Guides/Backups", "/Empty", "/-/pages"} {
		resp1, body1 := tw.get(t, path)
		n := tw.builds()
		resp2, body2 := tw.get(t, path)
		if resp1.StatusCode != 200 || resp2.StatusCode != 200 || body1 != body2 {
			t.Fatalf("%s: %d then %d, same body %v", path, resp1.StatusCode, resp2.StatusCode, body1 == body2)
		}
		if tw.builds() != n {
			t.Errorf("%s: rendered again for a second anonymous reader", path)
		}
		et := resp2.Header.Get("ETag")
		if et == "" || et != resp1.Header.Get("ETag") {
			t.Errorf("%s: ETags %q then %q", path, resp1.Header.Get("ETag"), et)
		}
		if v := strings.Join(resp2.Header.Values("Vary"), ", "); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") || !strings.Contains(v, "Accept-Encoding") {
			t.Errorf("%s: Vary %q", path, v)
		}
		if resp, _ := tw.get(t, path, "If-None-Match", et); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match the ETag: %d", path, resp.StatusCode)
		}
	}
}

// TestViewCacheGzip: the gzipped copy is the same page, under its own
// validator, and either validator gets a 304 for its own encoding.
func TestViewCacheGzip(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, plain := tw.get(t, "/Guides/Backups")
	req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+"/Guides/Backups", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Length") == "" {
		t.Fatalf("headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if string(unz) != plain {
		t.Fatal("the gzipped copy is not the page")
	}
	et := resp.Header.Get("ETag")
	if !strings.HasSuffix(et, `-gz"`) {
		t.Fatalf("gzipped ETag %q", et)
	}
	if r, _ := tw.get(t, "/Guides/Backups", "Accept-Encoding", "gzip", "If-None-Match", et); r.StatusCode != http.StatusNotModified || r.Header.Get("ETag") != et {
		t.Errorf("gzip revalidation: %d, ETag %q", r.StatusCode, r.Header.Get("ETag"))
	}
	head, _ := http.NewRequest(http.MethodHead, tw.ts.URL+"/Guides/Backups", nil)
	r, body := tw.do(t, head)
	if r.StatusCode != 200 || body != "" || r.Header.Get("Content-Length") != strconv.Itoa(len(plain)) {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", r.StatusCode, len(body), r.Header.Get("Content-Length"))
	}
}

// TestViewCacheNewCommit: a commit that changes a page, or only another
// page's title (the navigation), gives fresh views, and the old validator
// no longer matches.
func TestViewCacheNewCommit(t *testing.T) {
	tw := MustServe(t, testFiles)
	resp, body := tw.get(t, "/Guides/Passwords")
	et := resp.Header.Get("ETag")
	if !strings.Contains(body, "Use a manager.") {
		t.Fatal("page text missing")
	}
	tw.commitFile(t, "Guides/Passwords.md", "# Passwords\n\nUse a good manager.\n")
	resp, body = tw.get(t, "/Guides/Passwords", "If-None-Match", et)
	if resp.StatusCode != 200 || !strings.Contains(body, "Use a good manager.") {
		t.Fatalf("after the edit: %d, new text shown %v", resp.StatusCode, strings.Contains(body, "good manager"))
	}
	if resp.Header.Get("ETag") == et {
		t.Error("the ETag did not change with the commit")
	}
	_, list := tw.get(t, "/-/pages")
	tw.commitFile(t, "Guides/Café notes.md", "# Coffee notes\n\nRenamed.\n")
	_, list2 := tw.get(t, "/-/pages")
	if list == list2 || !strings.Contains(list2, "Coffee notes") {
		t.Error("the page list did not follow a new title")
	}
	_, body = tw.get(t, "/Guides/Passwords")
	if !strings.Contains(body, "Coffee notes") {
		t.Error("a page's navigation did not follow a new title")
	}
}

// TestViewCacheLanguages: readers with different languages (browser or
// picker) get their own cached views and validators, and a page in a
// language of its own is one view for all.
func TestViewCacheLanguages(t *testing.T) {
	tw := MustServe(t, langFiles)
	lang := func(body string) string {
		m := htmlLang.FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	rEN, en := tw.get(t, "/-/pages", "Accept-Language", "en-US,en;q=0.9")
	rES, es := tw.get(t, "/-/pages", "Accept-Language", "es-ES,es;q=0.9")
	if lang(en) != "en" || lang(es) != "es" || rEN.Header.Get("ETag") == rES.Header.Get("ETag") {
		t.Fatalf("browser languages: %q %q, ETags %q %q", lang(en), lang(es), rEN.Header.Get("ETag"), rES.Header.Get("ETag"))
	}
	if r, _ := tw.get(t, "/-/pages", "Accept-Language", "es", "If-None-Match", rEN.Header.Get("ETag")); r.StatusCode == http.StatusNotModified {
		t.Error("a Spanish reader got a 304 for the English list")
	}
	// The picker's choice wins over the browser, and is marked.
	_, fr := tw.getAs(t, "/-/pages", &http.Cookie{Name: langCookie, Value: "fr"}, "Accept-Language", "es")
	if lang(fr) != "fr" || !strings.Contains(fr, `<option value="fr" lang="fr" selected>`) {
		t.Errorf("picked French: lang %q", lang(fr))
	}
	_, es2 := tw.get(t, "/-/pages", "Accept-Language", "es")
	if lang(es2) != "es" || strings.Contains(es2, `lang="fr" selected>`) {
		t.Error("the picked language leaked into a browser reader's view")
	}
	n := tw.builds()
	_, a := tw.get(t, "/notes", "Accept-Language", "es")
	_, b := tw.get(t, "/notes", "Accept-Language", "de")
	if a != b || lang(a) != "fr" || tw.builds() != n+1 {
		t.Errorf("a French page: %q, %q, %d renders", lang(a), lang(b), tw.builds()-n)
	}
}

// TestViewCacheSignedIn: a signed-in reader never gets the anonymous copy,
// nor leaves theirs for anonymous readers, and their validators differ.
func TestViewCacheSignedIn(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	anonResp, anon := tw.get(t, "/Guides/Backups")
	bob := tw.MustSession(t, "bob")
	r, mine := tw.getAs(t, "/Guides/Backups", bob)
	if !strings.Contains(mine, "bob") || strings.Contains(anon, ">bob<") {
		t.Fatal("the signed-in view does not show the account, or the anonymous one does")
	}
	if r.Header.Get("ETag") == anonResp.Header.Get("ETag") {
		t.Error("signed-in and anonymous views share a validator")
	}
	if !strings.Contains(r.Header.Get("Cache-Control"), "private") {
		t.Errorf("signed-in Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	if r, _ := tw.getAs(t, "/Guides/Backups", bob, "If-None-Match", anonResp.Header.Get("ETag")); r.StatusCode == http.StatusNotModified {
		t.Error("a signed-in reader revalidated the anonymous copy")
	}
	if _, again := tw.get(t, "/Guides/Backups"); again != anon {
		t.Error("the anonymous view changed after a signed-in one")
	}
	// A session that is no longer valid reads as anyone does.
	_, stale := tw.getAs(t, "/Guides/Backups", &http.Cookie{Name: sessionCookie, Value: "not-a-session"})
	if stale != anon {
		t.Error("an invalid session got another view than an anonymous reader")
	}
}

// TestViewCacheQueries: views with a query are never cached, nor change
// the cached one.
func TestViewCacheQueries(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, plain := tw.get(t, "/Guides/Passwords")
	_, saved := tw.get(t, "/Guides/Passwords?saved=1")
	if saved == plain || !strings.Contains(saved, `role="status"`) {
		t.Fatal("?saved=1 does not show its notice")
	}
	head, _ := tw.repo.Head(context.Background())
	_, rev := tw.get(t, "/Guides/Passwords?rev="+head.String())
	if rev == plain {
		t.Error("?rev= was served the plain view")
	}
	if _, again := tw.get(t, "/Guides/Passwords"); again != plain {
		t.Error("a view with a query replaced the cached one")
	}
}

// TestViewCacheProposals: opening a proposal changes the version of the
// proposal records, so views (which will show a page's open proposals)
// are rendered again and old validators fail; records written by another
// process are seen too.
func TestViewCacheProposals(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.srv.views.recheck = 0
	resp, _ := tw.get(t, "/Guides/Passwords")
	et := resp.Header.Get("ETag")
	head, _ := tw.repo.Head(context.Background())
	r, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nProposed.\n"}, "base": {head.String()}, "action": {"save"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("proposal: %d", r.StatusCode)
	}
	n := tw.builds()
	resp, _ = tw.get(t, "/Guides/Passwords", "If-None-Match", et)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == et || tw.builds() != n+1 {
		t.Fatalf("after a proposal: %d, ETag changed %v, renders %d", resp.StatusCode, resp.Header.Get("ETag") != et, tw.builds()-n)
	}
	et = resp.Header.Get("ETag")
	// Another process (a second handle on the repository) writes the
	// records: this process's ref generation does not move.
	other, err := store.Open(tw.repo.GitDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	meta, _ := other.ResolveRef(ctx, review.MetaRef)
	sig := store.Signature{Name: "git", Email: "git@example.org", When: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)}
	c, err := other.WriteCommit(ctx, meta, []store.FileWrite{{Path: "note.txt", Content: []byte("x\n")}}, store.CommitInfo{Author: sig, Committer: sig, Message: "records\n"})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.UpdateRef(ctx, review.MetaRef, c, meta); err != nil {
		t.Fatal(err)
	}
	if resp, _ := tw.get(t, "/Guides/Passwords", "If-None-Match", et); resp.StatusCode != 200 {
		t.Errorf("records changed by another process: %d", resp.StatusCode)
	}
}

// TestViewCacheBounded: the cache keeps to its budget, least recently used
// out first, and does not keep a response larger than all of it.
func TestViewCacheBounded(t *testing.T) {
	c := newViewCache(10_000)
	put := func(path string, n int) viewKey {
		k := viewKey{kind: kindPage, path: path}
		c.put(&cachedView{key: k, etag: `"x"`, body: make([]byte, n)})
		return k
	}
	a := put("/a", 2800)
	b := put("/b", 2800)
	c.get(a)
	put("/c", 2800)
	put("/d", 2800) // over: b, the least recently used, goes
	if _, ok := c.get(b); ok {
		t.Error("the least recently used view was kept")
	}
	if _, ok := c.get(a); !ok {
		t.Error("a recently used view was dropped")
	}
	if held, _ := c.held(); held > 10_000 {
		t.Errorf("holds %d bytes of 10000", held)
	}
	big := put("/big", 20_000)
	if _, ok := c.get(big); ok {
		t.Error("a view larger than the budget was kept")
	}
	if _, n := c.held(); n != 3 {
		t.Errorf("%d views after the big one, want 3", n)
	}
}

// TestWarmAfterWrite: after a save, the new head's read model and
// presentation model are built in the background, so the redirect's page
// view finds them.
func TestWarmAfterWrite(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	warmed := make(chan store.Hash, 8)
	tw.srv.warm.warmed = func(h store.Hash) { warmed <- h }
	head, _ := tw.repo.Head(context.Background())
	r, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nSaved.\n"}, "base": {head.String()}, "action": {"save"}}, tw.MustSession(t, "alice"))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	now, _ := tw.repo.Head(context.Background())
	for h := range warmed {
		if h == now {
			break
		}
	}
	tw.srv.models.mu.Lock()
	found := len(tw.srv.models.list) > 0 && tw.srv.models.list[0].Site.Commit == now
	tw.srv.models.mu.Unlock()
	if !found {
		t.Error("the new head's model was not built")
	}
}

// TestStarting: while the server reads the head, before its provisional
// model is made, /-/health answers 503 with Retry-After; views that need
// the full model answer 503 in the reader's language; page views are
// served (TestProvisionalView); assets pass.
func TestStarting(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.srv.starting.Store(true)
	resp, body := tw.get(t, "/-/health")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "starting") {
		t.Errorf("health while starting: %d %q", resp.StatusCode, body)
	}
	resp, body = tw.get(t, "/-/pages", "Accept-Language", "es")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, `lang="es"`) || !strings.Contains(body, "iniciando") {
		t.Errorf("the page list while starting: %d %q", resp.StatusCode, body)
	}
	if resp, _ := tw.get(t, "/Guides/Backups"); resp.StatusCode != http.StatusOK {
		t.Errorf("a page while starting: %d", resp.StatusCode)
	}
	if tw.builds() != 0 {
		t.Error("a view was rendered while starting")
	}
	var asset string
	for _, a := range tw.srv.theme.Assets() {
		asset = a.Hashed
	}
	if resp, _ := tw.get(t, "/-/static/"+asset); resp.StatusCode != http.StatusOK {
		t.Errorf("an asset while starting: %d", resp.StatusCode)
	}
	if err := tw.srv.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !tw.srv.Ready() {
		t.Fatal("not ready after Warm")
	}
	if resp, _ := tw.get(t, "/Guides/Backups"); resp.StatusCode != http.StatusOK {
		t.Errorf("after Warm: %d", resp.StatusCode)
	}
	if resp, _ := tw.get(t, "/-/health"); resp.StatusCode != http.StatusOK {
		t.Errorf("health after Warm: %d", resp.StatusCode)
	}
}

// TestViewCacheHistory: a page's history is rendered once per commit for
// anonymous readers, and a new commit shows in it at once.
func TestViewCacheHistory(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, first := tw.get(t, "/-/history/Guides/Passwords")
	n := tw.builds()
	if _, again := tw.get(t, "/-/history/Guides/Passwords"); again != first || tw.builds() != n {
		t.Error("a second reader's history was rendered again")
	}
	tw.commitFile(t, "Guides/Passwords.md", "# Passwords\n\nChanged.\n")
	if _, body := tw.get(t, "/-/history/Guides/Passwords"); !strings.Contains(body, "Change Guides/Passwords.md") {
		t.Error("the new commit is not in the history")
	}
	head, _ := tw.repo.Head(context.Background())
	if resp, _ := tw.get(t, "/-/history/Guides/Passwords?rev="+head.String()); resp.StatusCode != http.StatusOK {
		t.Errorf("history at a revision: %d", resp.StatusCode)
	}
}

// TestProvisionalView: while the head's full model is held back, a page
// view is served from the tree and the page's blob: its body, the sidebar
// titled from file names, "what links here" still to come, never kept in
// the view cache; /-/health says ok and loading. Once the model is read,
// the next view is the full one, and the view cache holds only full views.
func TestProvisionalView(t *testing.T) {
	files := maps.Clone(testFiles)
	files["Guides/Phones.md"] = "# Phones and SIMs\n\nText.\n"
	tw := MustServe(t, files)
	tw.MustAccounts(t)
	session := tw.MustSession(t, "alice")
	reached, release := make(chan struct{}), make(chan struct{})
	tw.srv.beforeFull = func() {
		close(reached)
		<-release
	}
	warmed := make(chan error, 1)
	go func() { warmed <- tw.srv.Warm(context.Background()) }()
	select {
	case <-reached:
	case err := <-warmed:
		t.Fatalf("Warm ended before the full model: %v", err)
	}
	if tw.srv.Ready() {
		t.Fatal("ready before the full model")
	}
	resp, body := tw.get(t, "/-/health")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"loading":true`) {
		t.Errorf("health while loading: %d %s", resp.StatusCode, body)
	}
	// An alias is in front matter not read yet: try again, not 404.
	if resp, _ := tw.get(t, "/Old/Backups"); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("an alias while loading: %d", resp.StatusCode)
	}
	resp, body = tw.get(t, "/Guides/Backups")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a page while loading: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{"Because.", "Offsite", `href="/Guides/Passwords"`, ">Phones<", "Still being worked out"} {
		if !strings.Contains(body, want) {
			t.Errorf("the provisional page lacks %q", want)
		}
	}
	if strings.Contains(body, "Phones and SIMs") {
		t.Error("a page that was not asked for was read")
	}
	if resp.Header.Get("ETag") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a provisional view may be kept: ETag %q, Cache-Control %q", resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
	}
	if resp, _ := tw.get(t, "/Guides"); resp.StatusCode != http.StatusOK {
		t.Errorf("a folder page while loading: %d", resp.StatusCode)
	}
	// Guides/Backups was read into the model: its alias is known now.
	if resp, _ := tw.get(t, "/Old/Backups"); resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("an alias of a page read while loading: %d", resp.StatusCode)
	}
	if resp, _ := tw.get(t, "/-/pages"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("the page list while loading: %d", resp.StatusCode)
	}
	if _, n := tw.srv.views.held(); n != 0 || tw.builds() != 0 {
		t.Errorf("the view cache holds %d views (%d built) while loading", n, tw.builds())
	}

	// A write waits for the full model rather than lose what was typed.
	head, _ := tw.repo.Head(context.Background())
	saved := make(chan int, 1)
	go func() {
		r, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nSaved while loading.\n"}, "base": {head.String()}, "action": {"save"}}, session)
		saved <- r.StatusCode
	}()
	close(release)
	if err := <-warmed; err != nil {
		t.Fatal(err)
	}
	if code := <-saved; code != http.StatusSeeOther {
		t.Errorf("an edit sent while loading: %d", code)
	}
	resp, body = tw.get(t, "/Guides/Backups")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
		t.Fatalf("after the full model: %d, ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
	if strings.Contains(body, "Still being worked out") || !strings.Contains(body, "gw-backlinks") || !strings.Contains(body, ">Welcome<") {
		t.Error("the view after the full model is not the full one (backlinks)")
	}
	if !strings.Contains(body, "Phones and SIMs") {
		t.Error("the sidebar still titles pages from their names")
	}
	if resp, _ := tw.get(t, "/Old/Backups"); resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("an alias after the full model: %d", resp.StatusCode)
	}
	resp, body = tw.get(t, "/-/health")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "loading") {
		t.Errorf("health after the full model: %d %s", resp.StatusCode, body)
	}
	tw.srv.views.mu.Lock()
	for k := range tw.srv.views.items {
		if st, ok := tw.srv.loader.Loaded(k.commit); !ok || st.Provisional() {
			t.Errorf("the view cache holds a view of no full model: %v", k)
		}
	}
	tw.srv.views.mu.Unlock()
	if tw.srv.models.prov != nil {
		t.Error("the provisional presentation model was kept")
	}
}

// TestFrontViews: a warm anonymous view is answered before routing
// (cachedViews) with the same bytes and headers as through the handlers;
// a signed-in reader, a query, another language or a new commit go
// through the handlers.
func TestFrontViews(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	fronts := func() int64 { return tw.srv.views.fronts.Load() }
	for _, path := range []string{"/Guides/Backups", "/Guides", "/-/pages", "/-/history/Guides/Backups"} {
		resp1, body1 := tw.get(t, path, "Accept-Language", "en")
		n := fronts()
		resp2, body2 := tw.get(t, path, "Accept-Language", "en")
		if fronts() != n+1 {
			t.Errorf("%s: a warm view went through the handlers", path)
		}
		if resp1.StatusCode != 200 || resp2.StatusCode != 200 || body1 != body2 {
			t.Fatalf("%s: %d then %d, same body %v", path, resp1.StatusCode, resp2.StatusCode, body1 == body2)
		}
		resp1.Header.Del("Date")
		resp2.Header.Del("Date")
		for k := range resp1.Header {
			if a, b := strings.Join(resp1.Header.Values(k), "|"), strings.Join(resp2.Header.Values(k), "|"); a != b {
				t.Errorf("%s: %s %q through the handlers, %q from the front", path, k, a, b)
			}
		}
		if len(resp1.Header) != len(resp2.Header) {
			t.Errorf("%s: headers %v, then %v", path, resp1.Header, resp2.Header)
		}
	}
	n := fronts()
	if _, body := tw.getAs(t, "/Guides/Backups", tw.MustSession(t, "alice")); !strings.Contains(body, "alice") {
		t.Error("a signed-in reader was not shown the account")
	}
	tw.get(t, "/Guides/Backups?x=1")
	tw.get(t, "/Guides/Backups", "Accept-Language", "de")
	if fronts() != n {
		t.Error("a signed-in reader, a query or another language was answered from the front")
	}
	tw.commitFile(t, "Guides/Backups.md", "# Backups\n\nKeep three copies.\n")
	if _, body := tw.get(t, "/Guides/Backups", "Accept-Language", "en"); !strings.Contains(body, "Keep three copies.") || fronts() != n {
		t.Error("after a commit, the old view was answered from the front")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"deflate, gzip;q=1.0, *;q=0.5", true},
		{" br ,  gzip ", true},
		{"gzip;q=0", false},
		{"gzip; q=0", false},
		{"gzipped", false},
		{"identity", false},
		{",,gzip", true},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", c.header)
		if got := acceptsGzip(r); got != c.want {
			t.Errorf("Accept-Encoding %q: %v, want %v", c.header, got, c.want)
		}
	}
}
