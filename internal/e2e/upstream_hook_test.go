package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

const e2eHookSecret = "e2e-webhook-secret-7c21"

// pushPayload is a push event's body as the hosts send it, with the few
// fields the wiki reads and a few it ignores.
func pushPayload(tb testing.TB, ref, before, after string) []byte {
	tb.Helper()
	b, err := json.Marshal(map[string]any{
		"ref": ref, "before": before, "after": after,
		"repository": map[string]any{"full_name": "collective/wiki", "default_branch": "main"},
		"pusher":     map[string]any{"username": "sam"},
		"commits":    []map[string]any{{"id": after, "message": "an edit on the host"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// hook posts a webhook delivery; headers are name, value pairs.
func (s *Server) hook(tb testing.TB, body []byte, headers ...string) int {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"-/hooks/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// giteaHook is a Gitea delivery signed with secret.
func giteaHook(secret, id string, body []byte) []string {
	return []string{"X-Gitea-Event", "push", "X-Gitea-Delivery", id, "X-Gitea-Signature", hmacHex(secret, body)}
}

func githubHook(secret, id string, body []byte) []string {
	return []string{"X-GitHub-Event", "push", "X-GitHub-Delivery", id, "X-Hub-Signature-256", "sha256=" + hmacHex(secret, body)}
}

func gitlabHook(secret, id string, _ []byte) []string {
	return []string{"X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", id, "X-Gitlab-Token", secret}
}

// TestUpstreamWebhookAndHostReview: a wiki that fetches only once an hour
// learns of a push from a signed webhook: an edit on the host, and a
// proposals/N branch pushed there, which becomes proposal N. That branch
// merged on the host in a pull request shows as merged after the next
// webhook; another, deleted without a merge, as closed. Deliveries with a
// wrong or missing signature, or played again, are refused in each
// host's format.
func TestUpstreamWebhookAndHostReview(t *testing.T) {
	t.Parallel()
	host := startGitHost(t)
	bare := host.seed(t, "wiki.git", map[string]string{"index.md": "# Home\n", "Guide.md": "# Guide\n"})
	s := startReplica(t, host.repoURL("wiki.git"), filepath.Join(t.TempDir(), "data"), []string{"GITWIKI_WEBHOOK_SECRET=" + e2eHookSecret}, "--fetch-every", "1h")
	waitInStep(t, bare, s)

	work := filepath.Join(t.TempDir(), "host-side")
	git(t, filepath.Dir(work), "clone", "-q", bare, work)
	before := git(t, work, "rev-parse", "HEAD")
	writeFiles(t, work, map[string]string{"Guide.md": "# Guide\n\nWritten on the host.\n"})
	after := commitAll(t, work, "Edit the guide on the host")
	git(t, work, "checkout", "-q", "-b", "proposals/7")
	writeFiles(t, work, map[string]string{"Draft.md": "# Draft\n\nProposed in a pull request.\n"})
	commitAll(t, work, "Draft, proposed on the host")
	git(t, work, "checkout", "-q", "-b", "proposals/8", "main")
	writeFiles(t, work, map[string]string{"Abandoned.md": "# Abandoned\n"})
	commitAll(t, work, "An idea abandoned on the host")
	git(t, work, "push", "-q", "origin", "main", "proposals/7", "proposals/8")

	body := pushPayload(t, "refs/heads/main", before, after)
	formats := []struct {
		name string
		sign func(secret, id string, body []byte) []string
	}{{"gitea", giteaHook}, {"github", githubHook}, {"gitlab", gitlabHook}}
	for _, f := range formats {
		id := "delivery-1-" + f.name
		for _, tc := range []struct {
			what    string
			headers []string
			want    int
		}{
			{"wrong", f.sign("not-the-secret", id, body), http.StatusUnauthorized},
			{"missing", f.sign("", id, body)[:4], http.StatusUnauthorized},
			{"right", f.sign(e2eHookSecret, id, body), http.StatusAccepted},
			{"replayed", f.sign(e2eHookSecret, id, body), http.StatusConflict},
		} {
			if got := s.hook(t, body, tc.headers...); got != tc.want {
				t.Errorf("%s, %s signature: %d, want %d", f.name, tc.what, got, tc.want)
			}
		}
	}
	waitFor(t, syncWait, "the host's push to be served after the webhook", func() (bool, string) {
		src := s.get(t, "/-/raw/Guide").String()
		return strings.Contains(src, "Written on the host.") && s.get(t, "/-/proposals/7").StatusCode == http.StatusOK &&
			s.get(t, "/-/proposals/8").StatusCode == http.StatusOK, src
	})
	if p := s.mustGet(t, "/-/proposals/7", http.StatusOK).String(); !strings.Contains(p, "Proposed in a pull request.") || !strings.Contains(p, "badge-open") {
		t.Fatal("proposal 7, pushed on the host, is not shown open with its change")
	}

	// The pull request of proposals/7 is merged on the host, which deletes
	// its branch; proposals/8 is deleted unmerged.
	git(t, work, "checkout", "-q", "main")
	git(t, work, "merge", "-q", "--no-ff", "-m", "Merge pull request 7", "proposals/7")
	git(t, work, "push", "-q", "origin", "main", ":proposals/7", ":proposals/8")
	body = pushPayload(t, "refs/heads/main", after, git(t, work, "rev-parse", "HEAD"))
	if got := s.hook(t, body, githubHook(e2eHookSecret, "delivery-2", body)...); got != http.StatusAccepted {
		t.Fatalf("second webhook: %d", got)
	}
	waitFor(t, syncWait, "the host's merge and deletion to show", func() (bool, string) {
		seven, eight := s.get(t, "/-/proposals/7").String(), s.get(t, "/-/proposals/8").String()
		return strings.Contains(seven, "badge-merged") && strings.Contains(eight, "badge-rejected"),
			fmt.Sprintf("7 merged %v, 8 closed %v", strings.Contains(seven, "badge-merged"), strings.Contains(eight, "badge-rejected"))
	})
	if !strings.Contains(s.mustGet(t, "/-/raw/Draft", http.StatusOK).String(), "Proposed in a pull request.") {
		t.Fatal("the merged proposal's page is not served")
	}
	waitInStep(t, bare, s)
	gitFsck(t, bare)
	gitFsck(t, s.Repo)
}
