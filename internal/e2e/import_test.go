package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportedWikiRedirectsOldURLs imports a Confluence space export with
// the real binary and serves it: the old Confluence addresses (a title with
// an escaped comma and apostrophe, the space's home, a page id) answer with
// a redirect to their page, which is there. With the corpora present, the
// orgsec backup's old addresses are checked the same way.
func TestImportedWikiRedirectsOldURLs(t *testing.T) {
	root := moduleRoot(t)
	repo := filepath.Join(t.TempDir(), "wiki.git")
	fixture := filepath.Join(root, "internal", "importer", "confluence", "testdata", "export")
	out, errOut, code := runGitwiki(t, "import", "confluence", fixture, "--repo", repo)
	if code != 0 {
		t.Fatalf("gitwiki import exited %d\n%s%s", code, out, errOut)
	}
	gitFsck(t, repo)
	s := StartServer(t, "--repo", repo)
	for old, page := range map[string]string{
		"/display/SN/Travel%2C+borders+and+customs": "/travel-borders-and-customs",
		"/display/SN/Reporters%27+kit":              "/reporters-kit",
		"/display/SN":                               "/",
		"/pages/1004":                               "/getting-started/device-checklist",
		"/pages/viewpage.action?pageId=1004":        "/getting-started/device-checklist",
	} {
		checkRedirect(t, s, old, page)
	}

	corpora := os.Getenv("GITWIKI_CORPORA")
	if corpora == "" {
		corpora = filepath.Join(root, "..", "shared", "corpora")
	}
	orgsec := filepath.Join(corpora, "orgsec-community-2021")
	if _, err := os.Stat(orgsec); err != nil {
		t.Logf("corpus not found, orgsec part skipped: %v", err)
		return
	}
	repo2 := filepath.Join(t.TempDir(), "orgsec.git")
	if out, errOut, code := runGitwiki(t, "import", "confluence", orgsec, "--repo", repo2); code != 0 {
		t.Fatalf("gitwiki import orgsec exited %d\n%s%s", code, out, errOut)
	}
	s2 := StartServer(t, "--repo", repo2)
	for old, page := range map[string]string{
		"/display/OS/About+this+initiative":                                        "/about-this-initiative",
		"/display/OS/Create+space%2C+trust+and+buy-In":                             "/create-space-trust-and-buy-in",
		"/display/OS/Learn+about+organisation%27s+risk%2C+threats%2C+and+concerns": "/learn-about-organisations-risk-threats-and-concerns",
		"/display/OS": "/",
	} {
		checkRedirect(t, s2, old, page)
	}
}

// checkRedirect: old answers 301 to page, and page answers 200.
func checkRedirect(t *testing.T, s *Server, old, page string) {
	t.Helper()
	r := s.get(t, old)
	loc := strings.TrimPrefix(r.Header.Get("Location"), strings.TrimSuffix(s.URL, "/"))
	if r.StatusCode != http.StatusMovedPermanently || loc != page {
		t.Errorf("GET %s: %d to %q, want 301 to %s", old, r.StatusCode, r.Header.Get("Location"), page)
		return
	}
	if got := s.get(t, page); got.StatusCode != http.StatusOK {
		t.Errorf("GET %s (from %s): %d", page, old, got.StatusCode)
	}
}
