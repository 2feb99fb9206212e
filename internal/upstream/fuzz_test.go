package upstream

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck: any headers and body from the network give an event or an
// error, never a panic, and an event only with the right proof.
func FuzzCheck(f *testing.F) {
	for host, build := range deliveries {
		body, err := os.ReadFile(filepath.Join("testdata", "hooks", host+"-push.json"))
		if err != nil {
			f.Fatal(err)
		}
		h := build(hookSecret, "seed", body)
		f.Add(host, h.Get(signatureHeaders[host][0]), "seed", body)
	}
	f.Fuzz(func(t *testing.T, host, sig, delivery string, body []byte) {
		build, ok := deliveries[host]
		if !ok {
			return
		}
		h := build(hookSecret, delivery, body)
		h.Set(signatureHeaders[host][0], sig)
		ev, err := Check(Header(h), body, []byte(hookSecret))
		if err == nil && ev.Delivery == "" {
			t.Fatal("an event without a delivery id")
		}
	})
}
