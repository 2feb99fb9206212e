package smarthttp

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
)

// advertised is what clients see: every branch, the proposal records, and
// HEAD as the served branch. Nothing else is offered or accepted as a want.
func advertised(name string) bool {
	return strings.HasPrefix(name, "refs/heads/") || name == "refs/meta/proposals"
}

func (s *Server) advertisedRefs(ctx context.Context) (map[string]plumbing.Hash, error) {
	refs, err := s.repo.Refs(ctx, "refs/")
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	out := make(map[string]plumbing.Hash, len(refs))
	for n, h := range refs {
		if advertised(n) && !h.IsZero() {
			out[n] = plumbing.Hash(h)
		}
	}
	return out, nil
}

// uploadCaps are the capabilities this server offers for fetching, and the
// only ones a fetching client may ask for.
var uploadCaps = []capability.Capability{
	capability.MultiACK, capability.MultiACKDetailed, capability.Sideband, capability.Sideband64k,
	capability.OFSDelta, capability.NoProgress, capability.Shallow, capability.DeepenRelative,
}

// receiveCaps are the capabilities this server offers for pushing. Received
// packs are checked and stored as they come, so they must be complete:
// "no-thin" asks git not to delta against objects it does not send.
var receiveCaps = []capability.Capability{
	capability.ReportStatus, capability.DeleteRefs, capability.OFSDelta, "no-thin",
}

// AdvertiseRefs writes the answer to "GET info/refs?service=...": the service
// header, then the refs and this server's capabilities (protocol v0; clients
// asking for v2 fall back to it).
func (s *Server) AdvertiseRefs(ctx context.Context, service string, w io.Writer) error {
	if service != ServiceUploadPack && service != ServiceReceivePack {
		return fmt.Errorf("%w: unknown service %q", ErrProtocol, service)
	}
	refs, err := s.advertisedRefs(ctx)
	if err != nil {
		return err
	}
	ar := packp.NewAdvRefs()
	ar.Prefix = [][]byte{[]byte("# service=" + service), pktline.Flush}
	ar.References = refs
	main := "refs/heads/" + s.repo.Branch()
	caps := ar.Capabilities
	if service == ServiceUploadPack {
		for _, c := range uploadCaps {
			caps.Add(c)
		}
		if h, ok := refs[main]; ok {
			ar.Head = &h
			caps.Add(capability.SymRef, "HEAD:"+main)
		}
	} else {
		for _, c := range receiveCaps {
			caps.Add(c)
		}
	}
	caps.Add(capability.ObjectFormat, "sha1")
	caps.Add(capability.Agent, agent)
	return ar.Encode(w)
}

// accepts reports whether a client may ask for c.
func accepts(offered []capability.Capability, c capability.Capability) bool {
	if c == capability.ObjectFormat || c == capability.Agent {
		return true
	}
	for _, o := range offered {
		if o == c {
			return true
		}
	}
	return false
}
