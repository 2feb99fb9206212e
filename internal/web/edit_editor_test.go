package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var (
	hiddenField = regexp.MustCompile(`(?s)<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
	textField   = regexp.MustCompile(`<input type="text" id="[a-z-]+" name="([a-z]+)" value="([^"]*)"`)
	textArea    = regexp.MustCompile(`(?s)<textarea [^>]*name="content"[^>]*>\n(.*?)</textarea>`)
)

// editorForm reads the editor's form as a browser would send it: hidden
// and text fields, and the text box.
func editorForm(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range textField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	m := textArea.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no text box in\n%.2000s", body)
	}
	v.Set("content", html.UnescapeString(m[1]))
	v.Set("action", "save")
	return v
}

func (tw *testWiki) file(t *testing.T, path string) string {
	t.Helper()
	h, err := tw.repo.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, err := tw.repo.ReadFileAt(context.Background(), h, path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEditorFields: the editor shows the known front matter keys as fields
// and the body alone in the text box; saving the form back unchanged
// changes nothing, and a changed field is rewritten in place with every
// other key (aliases here) kept.
func TestEditorFields(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	const path = "Guides/Backups.md"
	before := tw.file(t, path)
	_, body := tw.getAs(t, "/-/edit/Guides/Backups", alice)
	form := editorForm(t, body)
	want := map[string]string{"title": "Backups", "tags": "storage, basics", "category": "guide", "fields": "1",
		"frontmatter": "---\ntitle: Backups\ntags: [storage, basics]\ncategory: guide\naliases: [Old/Backups]\n---\n"}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("field %s = %q, want %q", k, form.Get(k), v)
		}
	}
	if c := form.Get("content"); !strings.HasPrefix(c, "Intro.") || strings.Contains(c, "---") {
		t.Errorf("text box = %q, want the body alone", c)
	}
	if n := strings.Count(body, `name="title"`); n != 1 {
		t.Errorf("%d title fields, want 1", n)
	}

	resp, _ := tw.post(t, "/-/edit/Guides/Backups", form, alice)
	if resp.StatusCode != http.StatusSeeOther || tw.file(t, path) != before {
		t.Fatalf("unchanged save: %d, file now %q", resp.StatusCode, tw.file(t, path))
	}

	form.Set("title", "Backing up")
	form.Set("tags", "storage, basics, offsite")
	form.Set("description", "Keep copies")
	form.Set("content", strings.Replace(form.Get("content"), "Because.", "Because disks fail.", 1))
	resp, page := tw.post(t, "/-/edit/Guides/Backups", form, alice)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.1500s", resp.StatusCode, page)
	}
	wantFile := "---\ntitle: Backing up\ntags: [storage, basics, offsite]\ncategory: guide\naliases: [Old/Backups]\ndescription: Keep copies\n---\n" +
		strings.Replace(before[strings.Index(before, "Intro."):], "Because.", "Because disks fail.", 1)
	if got := tw.file(t, path); got != wantFile {
		t.Errorf("saved\n%q\nwant\n%q", got, wantFile)
	}
}

// TestEditorWholeFile: ?raw=1, and front matter the fields cannot show,
// put the whole file in the text box, with no title field beside it.
func TestEditorWholeFile(t *testing.T) {
	tw := MustServe(t, testFiles)
	for _, tc := range []struct{ path, text, note string }{
		{"/-/edit/Guides/Backups?raw=1", "---\ntitle: Backups\n", "Use the form fields"},
		{"/-/edit/Broken", "---\ntitle: [unclosed\n", "cannot be shown as form fields"},
	} {
		_, body := tw.get(t, tc.path)
		form := editorForm(t, body)
		if !strings.HasPrefix(form.Get("content"), tc.text) || form.Get("raw") != "1" || strings.Contains(body, `name="title"`) {
			t.Errorf("%s: text %q, raw %q, title field %v", tc.path, form.Get("content"), form.Get("raw"), strings.Contains(body, `name="title"`))
		}
		if !strings.Contains(body, tc.note) {
			t.Errorf("%s: no note %q", tc.path, tc.note)
		}
	}
}

// TestEditorSectionsConcurrent: two people edit two sections of a page from
// the same version at the same time; both edits land, the later one merged
// three ways. A third edit of a section changed meanwhile gets the usual
// conflict answer, over the whole page.
func TestEditorSectionsConcurrent(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	_, body := tw.getAs(t, "/-/edit/Guides/Backups?section=1", alice)
	first := editorForm(t, body)
	if first.Get("content") != "## Why back up\n\nBecause.\n\n" || first.Get("section") != "1" || first.Get("fields") != "" {
		t.Fatalf("section 1: %q (section %q)", first.Get("content"), first.Get("section"))
	}
	if !strings.Contains(body, "Text of the section “Why back up”") {
		t.Error("the text box does not name the section")
	}
	_, body = tw.getAs(t, "/-/edit/Guides/Backups?section=3", alice)
	third := editorForm(t, body)
	if third.Get("content") != "### Offsite\n\nText with a [link](Passwords.md).\n" {
		t.Fatalf("section 3: %q", third.Get("content"))
	}
	first.Set("content", "## Why back up\n\nBecause disks fail.\n")
	third.Set("content", "### Offsite\n\nKeep one copy away from the office.\n")
	var wg sync.WaitGroup
	status := make([]int, 2)
	for i, form := range []url.Values{first, third} {
		wg.Go(func() {
			resp, _ := tw.post(t, "/-/edit/Guides/Backups", form, alice)
			status[i] = resp.StatusCode
		})
	}
	wg.Wait()
	if status[0] != http.StatusSeeOther || status[1] != http.StatusSeeOther {
		t.Fatalf("saves answered %v, want two 303s", status)
	}
	got := tw.file(t, "Guides/Backups.md")
	for _, want := range []string{"aliases: [Old/Backups]\n", "\nBecause disks fail.\n\n## How\n", "\nKeep one copy away from the office.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q:\n%s", want, got)
		}
	}

	again := first
	again.Set("content", "## Why back up\n\nBecause of ransomware.\n")
	resp, body := tw.post(t, "/-/edit/Guides/Backups", again, alice)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("same section again: %d, want 409", resp.StatusCode)
	}
	form := editorForm(t, body)
	if c := form.Get("content"); !strings.Contains(c, "<<<<<<< your edit\nBecause of ransomware.") || !strings.Contains(c, "## How") || form.Get("section") != "" {
		t.Errorf("conflict text box = %q (section %q); want the whole page between markers", c, form.Get("section"))
	}

	resp, _ = tw.getAs(t, "/-/edit/Guides/Backups?section=9", alice)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("section 9: %d, want 404", resp.StatusCode)
	}
}

// TestEditorUpload: a pasted file is checked by its content and named so it
// replaces nothing; the answer is JSON. Saved with the edit (as editor.js
// sends it), it is stored next to the page.
func TestEditorUpload(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	png := "\x89PNG\r\n\x1a\n" + "pasted"
	upload := func(name, data string, pending []string, hdr ...any) (int, uploadAnswer) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(data))
		for _, p := range pending {
			mw.WriteField("pending", p)
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+"/-/upload/Guides/Backups", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, body := tw.do(t, req, append(hdr, alice)...)
		var a uploadAnswer
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			if err := json.Unmarshal([]byte(body), &a); err != nil {
				t.Fatalf("%s: %v in %q", name, err, body)
			}
		}
		return resp.StatusCode, a
	}
	if st, a := upload("image.png", png, nil); st != 200 || a.Name != "image.png" || a.Markdown != "![image](image.png)" {
		t.Errorf("paste: %d %+v", st, a)
	}
	if st, a := upload("image.png", png, []string{"image.png"}); st != 200 || a.Name != "image-2.png" {
		t.Errorf("second paste: %d %+v", st, a)
	}
	if st, a := upload("diagram.png", png, nil); st != 200 || a.Name != "diagram.png" {
		t.Errorf("a name free in this folder: %d %+v", st, a)
	}
	if st, a := upload("x.png", "<svg onload=alert(1)>", nil); st != http.StatusUnsupportedMediaType || !strings.Contains(a.Error, "not a PNG") {
		t.Errorf("svg: %d %+v", st, a)
	}
	if st, _ := upload("x.png", png, []string{"a", "b", "c"}); st != http.StatusBadRequest {
		t.Errorf("a fourth file: %d", st)
	}
	if st, _ := upload("x.png", png, nil, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); st != http.StatusForbidden {
		t.Errorf("cross-site paste: %d, want 403", st)
	}

	_, body := tw.getAs(t, "/-/edit/Guides/Backups", alice)
	form := editorForm(t, body)
	form.Set("content", "![image](image.png)\n\n"+form.Get("content"))
	form.Add("pending_name", "image.png")
	form.Add("pending_data", base64.StdEncoding.EncodeToString([]byte(png)))
	form.Set("action", "preview")
	resp, page := tw.post(t, "/-/edit/Guides/Backups", form, alice)
	if resp.StatusCode != 200 || !strings.Contains(page, `<img src="data:image/png;base64,`+base64.StdEncoding.EncodeToString([]byte(png))+`" alt="image">`) {
		t.Errorf("preview with a pending image: %d, no data: image in\n%.3000s", resp.StatusCode, excerptAround(page, "preview-frame"))
	}
	form.Set("action", "save")
	if resp, page := tw.post(t, "/-/edit/Guides/Backups", form, alice); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %.1000s", resp.StatusCode, page)
	}
	if got := tw.file(t, "Guides/image.png"); got != png {
		t.Errorf("stored %q", got)
	}
}

// TestPageSectionLinks: a page offers the editor of each section after its
// heading, named for assistive technology; an old revision does not.
func TestPageSectionLinks(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, body := tw.get(t, "/Guides/Backups")
	for _, want := range []string{
		`<a class="section-edit" href="/-/edit/Guides/Backups?section=1" rel="nofollow" aria-label="Edit section “Why back up”">Edit</a>`,
		`href="/-/edit/Guides/Backups?section=3" rel="nofollow" aria-label="Edit section “Offsite”"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	h, _ := tw.repo.Head(context.Background())
	if _, old := tw.get(t, "/Guides/Backups?rev="+h.String()); strings.Contains(old, "section-edit") {
		t.Error("an old revision offers section edits")
	}
	closed := MustServe(t, map[string]string{"wiki.yaml": "edit_policy: closed\n", "index.md": "# Home\n\n## Part\n\nx\n"})
	if _, page := closed.get(t, "/"); strings.Contains(page, "section-edit") {
		t.Error("a wiki closed to edits offers section edits")
	}
}
