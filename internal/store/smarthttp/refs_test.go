package smarthttp

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestAdvertiseDuringWrites: clones and fetches during edits never see a
// ref listing fail, and never see a lock file advertised as a branch (once
// "refs/heads/main.lock" showed up in half the advertisements).
func TestAdvertiseDuringWrites(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	srv := New(r, Options{})
	c0, _ := r.Head(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			head := c0
			for i := range 20 {
				ref := "refs/heads/main"
				if w > 0 {
					ref = fmt.Sprintf("refs/heads/proposals/%d", w)
				}
				c, err := r.WriteCommit(ctx, head, []store.FileWrite{{Path: fmt.Sprintf("w%d.md", w), Content: []byte(fmt.Sprint(i))}},
					store.CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "edit"})
				if err == nil {
					old := head
					if w > 0 && i == 0 {
						old = store.ZeroHash
					}
					err = r.UpdateRef(ctx, ref, c, old)
				}
				if err != nil {
					report(err)
					return
				}
				head = c
			}
		}()
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				var buf bytes.Buffer
				if err := srv.AdvertiseRefs(ctx, ServiceUploadPack, &buf); err != nil {
					report(fmt.Errorf("advertise: %w", err))
					return
				}
				ar := packp.NewAdvRefs()
				body := strings.TrimPrefix(buf.String(), "001e# service=git-upload-pack\n0000")
				if err := ar.Decode(strings.NewReader(body)); err != nil {
					report(fmt.Errorf("decode advertisement: %w", err))
					return
				}
				for n := range ar.References {
					if strings.HasSuffix(n, ".lock") {
						report(fmt.Errorf("advertised %s", n))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
}
