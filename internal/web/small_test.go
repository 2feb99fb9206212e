package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRecentListsFilesApart: recent changes list pages by title and other
// files (wiki.yaml, a picture) apart, by path, never among the titles.
func TestRecentListsFilesApart(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, body := tw.get(t, "/-/recent")
	pages := strings.Join(regexp.MustCompile(`(?s)<ul class="change-pages">.*?</ul>`).FindAllString(body, -1), "")
	files := strings.Join(regexp.MustCompile(`(?s)<p class="change-files">.*?</p>`).FindAllString(body, -1), "")
	if !strings.Contains(pages, ">Backups</a>") {
		t.Errorf("pages list lacks Backups:\n%s", pages)
	}
	for _, f := range []string{"wiki.yaml", "Guides/img/diagram.png"} {
		if strings.Contains(pages, f) {
			t.Errorf("%s is listed among the pages:\n%s", f, pages)
		}
		if !strings.Contains(files, "<code>"+f+"</code>") {
			t.Errorf("%s is not listed as a file:\n%s", f, files)
		}
	}
	if !strings.Contains(files, "Files:") {
		t.Errorf("the files are not introduced as files:\n%s", files)
	}
}

// TestPagesListCountsHome: the all-pages list shows as many pages as its
// lead says, the home page first among them.
func TestPagesListCountsHome(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, body := tw.get(t, "/-/pages")
	lead := regexp.MustCompile(`(\d+) pages in this wiki`).FindStringSubmatch(body)
	tree := regexp.MustCompile(`(?s)<nav class="all-pages".*?</nav>`).FindString(body)
	links := regexp.MustCompile(`<a href="([^"]*)">`).FindAllStringSubmatch(tree, -1)
	if lead == nil || len(links) == 0 {
		t.Fatalf("no count or no list:\n%s", body)
	}
	n := 0
	for _, l := range links {
		if l[1] != "/Empty" && l[1] != "/Empty/Sub" { // folders without a page of their own
			n++
		}
	}
	if lead[1] != strconv.Itoa(n) {
		t.Errorf("lead says %s pages, the list shows %d", lead[1], n)
	}
	if links[0][1] != "/" || !strings.Contains(tree, "<span>Welcome</span>") {
		t.Errorf("the home page is not first: %q", links[0])
	}
}

// TestPrintAddress: a page carries its own address for the printed header,
// absolute with the server's base URL, and never taken from the Host a
// client sends.
func TestPrintAddress(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"", `data-address="/Guides/Backups?rev=main"`},
		{"https://wiki.example.org/", `data-address="https://wiki.example.org/Guides/Backups?rev=main"`},
	} {
		tw := MustServe(t, testFiles, func(o *Options) { o.BaseURL = tc.base })
		req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+"/Guides/Backups?rev=main", nil)
		req.Host = "evil.example"
		_, body := tw.do(t, req)
		if !strings.Contains(body, `<main id="content" class="main" tabindex="-1" `+tc.want+`>`) || strings.Contains(body, "evil.example") {
			t.Errorf("base %q: main is %q", tc.base, regexp.MustCompile(`<main[^>]*>`).FindString(body))
		}
	}
}
