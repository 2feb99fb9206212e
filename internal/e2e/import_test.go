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

// TestImportedCorporaInBrowser imports the real corpora, when they are here,
// serves them and looks at an orgsec page and an SDA stage page at 1280 px
// in Chromium: every image loads, no Liquid and no escaped HTML shows, and
// the Spanish page says lang="es". The screenshots are for a person to
// look at (issue 9).
func TestImportedCorporaInBrowser(t *testing.T) {
	t.Parallel()
	corpora := os.Getenv("GITWIKI_CORPORA")
	if corpora == "" {
		corpora = filepath.Join(moduleRoot(t), "..", "shared", "corpora")
	}
	if _, err := os.Stat(filepath.Join(corpora, "sda-manual")); err != nil {
		t.Skipf("no corpora at %s: %v", corpora, err)
	}
	dir, shots := requireBrowser(t)
	tmp := t.TempDir()
	orgsec, sda := filepath.Join(tmp, "orgsec.git"), filepath.Join(tmp, "sda.git")
	for _, imp := range [][]string{{"confluence", filepath.Join(corpora, "orgsec-community-2021"), orgsec}, {"jekyll", filepath.Join(corpora, "sda-manual"), sda}} {
		if out, errOut, code := runGitwiki(t, "import", imp[0], imp[1], "--repo", imp[2]); code != 0 {
			t.Fatalf("gitwiki import %s: exit %d\n%s%s", imp[0], code, out, errOut)
		}
	}
	o := StartServer(t, "--repo", orgsec)
	runBrowserScript(t, dir, "pages.mjs", nil, o.URL, shots,
		"import-orgsec-1280=/about-this-initiative@1280",
		"import-orgsec-toc-1280=/create-space-trust-and-buy-in@1280")
	s := StartServer(t, "--repo", sda)
	runBrowserScript(t, dir, "pages.mjs", nil, s.URL, shots,
		"import-sda-stage-1280=/en/01-research-and-objectives@1280,lang=en",
		"import-sda-activity-1280=/en/activities/0103-data-mapping-and-classification@1280",
		"import-sda-stage-es-1280=/es/01-research-and-objectives@1280,lang=es,text=Buscar")
}
