package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/atom"
)

// TestFeedsValidate: the changes feed and the proposals feed follow RFC
// 4287, and a commit that touched several pages has one alternate link.
func TestFeedsValidate(t *testing.T) {
	tw := MustServe(t, testFiles)
	// The first commit touches every page of testFiles.
	if resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nChanged.\n"}, "base": {mustHead(t, tw)}}); resp.StatusCode != 303 {
		t.Fatalf("proposal: %d", resp.StatusCode)
	}
	for _, path := range []string{"/-/feed.atom", "/-/proposals/feed.atom"} {
		_, body := tw.get(t, path)
		if p := atom.Validate([]byte(body)); len(p) > 0 {
			t.Errorf("%s:\n%s\n%s", path, strings.Join(p, "\n"), body)
		}
		if !strings.Contains(body, "<entry>") {
			t.Errorf("%s has no entries:\n%s", path, body)
		}
	}
	_, body := tw.get(t, "/-/feed.atom")
	if !strings.Contains(body, `rel="related"`) {
		t.Errorf("the first commit's other pages are not related links:\n%s", body)
	}
}

func mustHead(t *testing.T, tw *testWiki) string {
	t.Helper()
	h, err := tw.repo.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}
