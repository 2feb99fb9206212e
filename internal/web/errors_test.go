package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/users"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/gitwiki/gitwiki/themes"
)

// TestErrorStatuses maps every domain sentinel and error type to the status
// a reader gets, wrapped as the domain packages wrap them.
func TestErrorStatuses(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("doing something: %w", err) }
	_, pathErr := wikipath.Parse("../x")
	cases := []struct {
		err  error
		want int
	}{
		{store.ErrNotFound, 404},
		{site.ErrNotFound, 404},
		{review.ErrNotFound, 404},
		{wrap(fmt.Errorf("proposal 4242: %w", review.ErrNotFound)), 404},
		{store.ErrBadRevision, 400},
		{store.ErrTooLarge, 413},
		{search.ErrBadQuery, 400},
		{pages.ErrEditingClosed, 403},
		{pages.ErrNoProposals, 403},
		{pages.ErrCheckedOut, 403},
		{pages.ErrBusy, 503},
		{review.ErrBusy, 503},
		{review.ErrClosed, 409},
		{review.ErrBadToken, 403},
		{review.ErrEmptyText, 400},
		{review.ErrChanged, 409},
		{users.ErrBadCredentials, 401},
		{users.ErrBusy, 503},
		{users.ErrInvalid, 400},
		{users.ErrExists, 400},
		{site.ErrLoadPanic, 500},
		{pathErr, 400},
		{&pages.Problem{Kind: pages.Invalid, Reason: "r"}, 400},
		{&pages.Problem{Kind: pages.TooLarge, Reason: "r"}, 413},
		{&pages.Problem{Kind: pages.Unsupported, Reason: "r"}, 415},
		{&pages.Problem{Kind: pages.Exists, Reason: "r"}, 409},
		{&pages.Problem{Kind: pages.Gone, Reason: "r"}, 404},
		{&pages.Problem{Kind: pages.Unresolved, Reason: "r"}, 409},
		{&pages.Cleaned{}, 422},
		{&pages.Conflict{}, 409},
		{&review.MergeConflict{}, 409},
		{&review.Unresolved{}, 409},
		{&http.MaxBytesError{Limit: 1}, 413},
		{errMaintainersOnly, 403},
		{errTooManyWrites, 429},
		{errTooManyLogins, 429},
		{errTooManyPreviews, 429},
		{render.ErrBusy, 503},
		{render.ErrTooComplex, 422},
		{errHoneypot, 400},
		{errBusyFiles, 503},
		{errBadForm, 400},
		{errBadRevisionField, 400},
		{errBadSetupToken, 403},
		{errPasswordsDiffer, 400},
		{errNoPageName, 400},
		{errTooManyFiles, 400},
		{errDamagedUpload, 400},
		{errAccountsOff, 404},
		{errSetupDone, 410},
		{errNotFound("no_page_named", "Name", "x"), 404},
		{context.DeadlineExceeded, 503},
		{errors.New("disk on fire"), 500},
	}
	cat, err := i18n.Load(themes.FS, "default/i18n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		for _, err := range []error{tc.err, wrap(tc.err), &formError{err: wrap(tc.err)}} {
			got := classify(err)
			if got.status != tc.want {
				t.Errorf("%T %v: status %d, want %d", err, err, got.status, tc.want)
			}
			// Every language says something: no key is shown, and none is
			// missing (the catalog test checks that each is translated).
			for _, tag := range cat.Languages() {
				heading, message := got.words(cat.Lang(tag))
				if heading == "" || message == "" && !got.quiet {
					t.Errorf("%v in %s: heading %q, message %q", err, tag, heading, message)
				}
			}
		}
	}
}

// TestMissingProposal: an unknown proposal is a 404 wherever it is named,
// never a 500 (hardening items 12 and the presentation issue).
func TestMissingProposal(t *testing.T) {
	tw := MustServe(t, testFiles)
	head := mustHead(t, tw)
	for _, path := range []string{"/-/proposals/4242", "/-/proposals/0", "/-/proposals/99999", "/-/edit/Guides/Backups?proposal=99999&token=x"} {
		if resp, _ := tw.get(t, path); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := tw.post(t, "/-/proposals/99999/comment", url.Values{"text": {"hello"}}); resp.StatusCode != 404 {
		t.Errorf("comment on a missing proposal: %d, want 404", resp.StatusCode)
	}
	// A number too large for the route is not a proposal either.
	resp, body := tw.post(t, "/-/edit/Guides/Backups", url.Values{"content": {"# B\n"}, "base": {head}, "proposal": {"99999999999999999999"}})
	if resp.StatusCode >= 500 {
		t.Errorf("edit with a huge proposal number: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := tw.post(t, "/-/edit/Guides/Backups", url.Values{"content": {"# B\n"}, "base": {head}, "proposal": {"4242"}}); resp.StatusCode != 404 {
		t.Errorf("revise a missing proposal: %d, want 404", resp.StatusCode)
	}
}
