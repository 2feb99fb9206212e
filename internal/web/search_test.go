package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// waitIndexed waits until the search index holds the head commit.
func waitIndexed(t *testing.T, tw *testWiki) {
	t.Helper()
	tw.srv.search.start(tw.srv.loader)
	head := mustHead(t, tw)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if ix := tw.srv.search.index(); ix != nil && ix.Ready() && ix.State().Indexed.String() == head {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the search index did not catch up with the head within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSearchWired(t *testing.T) {
	tw := MustServe(t, testFiles, func(o *Options) { o.WriteBurst, o.WritesPerHour = 1000, 1000 })
	tw.MustAccounts(t)
	// Before the index is ready, titles are matched and the page says so.
	if resp, body := tw.get(t, "/-/search?q=Passwords"); resp.StatusCode != 200 || !strings.Contains(body, "Passwords") {
		t.Fatalf("search before the index: %d\n%.500s", resp.StatusCode, body)
	}
	waitIndexed(t, tw)
	_, body := tw.get(t, "/-/search?q=manager")
	if !strings.Contains(body, `href="/Guides/Passwords"`) || !strings.Contains(body, "<mark>") || strings.Contains(body, "only titles") {
		t.Errorf("a word from a page's text:\n%s", body)
	}
	var js struct {
		Total   int `json:"total"`
		Results []struct {
			Page, URL, Snippet string
		} `json:"results"`
	}
	_, raw := tw.get(t, "/-/search?q=manager&format=json")
	if err := json.Unmarshal([]byte(raw), &js); err != nil || js.Total != 1 || len(js.Results) != 1 || js.Results[0].URL != "/Guides/Passwords" {
		t.Errorf("format=json: %v %+v\n%s", err, js, raw)
	}
	// Exclusion removes the pages with the word.
	_, body = tw.get(t, "/-/search?q=backup+-manager&format=json")
	if strings.Contains(body, "Guides/Passwords") {
		t.Errorf("-manager kept the page with manager: %s", body)
	}
	// Suggestions as one types.
	_, sug := tw.get(t, "/-/search/suggest?q=Pass")
	if !strings.Contains(sug, `"url":"/Guides/Passwords"`) {
		t.Errorf("suggest: %s", sug)
	}
	// An edit is found at once (the edit kicks the index).
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nUse a zebracorn.\n"}, "base": {mustHead(t, tw)}}, tw.MustSession(t, "alice"))
	if resp.StatusCode != 303 {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	waitIndexed(t, tw)
	if _, body := tw.get(t, "/-/search?q=zebracorn&format=json"); !strings.Contains(body, "Guides/Passwords") {
		t.Errorf("the edit is not found: %s", body)
	}
	// A query that cannot be searched is a 400 with a sentence.
	if resp, body := tw.get(t, "/-/search?q="+url.QueryEscape(strings.Repeat("word ", 300))); resp.StatusCode != 400 || !strings.Contains(body, `role="alert"`) {
		t.Errorf("an over-long query: %d\n%.400s", resp.StatusCode, body)
	}
}

// TestHealthSearchState: /-/health says whether the full-text index is
// still being built, so an operator or a benchmark can wait for it.
func TestHealthSearchState(t *testing.T) {
	tw := MustServe(t, testFiles)
	if _, body := tw.get(t, "/-/health"); !strings.Contains(body, `"search":"starting"`) {
		t.Fatalf("before the index: %s", body)
	}
	tw.srv.search.start(tw.srv.loader)
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, body := tw.get(t, "/-/health")
		if strings.Contains(body, `"search":"ready"`) {
			break
		}
		if !strings.Contains(body, `"search":"starting"`) || time.Now().After(deadline) {
			t.Fatalf("the index did not become ready: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
