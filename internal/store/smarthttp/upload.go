package smarthttp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// sessionCache bounds the decoded objects one clone or fetch keeps.
const sessionCache = 32 << 20

// openObjects opens a go-git object store of the session's own, so that a
// slow clone does not keep a pooled reader of the store from the pages,
// and so that it sees every pack installed until now.
func (s *Server) openObjects() *filesystem.Storage {
	return filesystem.NewStorageWithOptions(osfs.New(s.repo.GitDir()), cache.NewObjectLRU(sessionCache),
		filesystem.Options{KeepDescriptors: true})
}

// UploadPack answers "POST git-upload-pack" (clone and fetch) statelessly, as
// smart HTTP requires: each request repeats the wants, the shallow lines and
// the haves found in common so far, and ends with a flush (answer ACKs and
// NAK, the client sends more haves) or with "done" (answer with the pack).
// A request that deepens a shallow clone is answered with its shallow and
// unshallow lines first. A gzip body is inflated.
func (s *Server) UploadPack(ctx context.Context, req io.Reader, w io.Writer) error {
	body, err := inflate(req, maxNegotiation)
	if err != nil {
		return protocolError(w, "%v", err)
	}
	if isFlushProbe(body) {
		return nil // git probes with a bare flush before a large request
	}
	ur, err := parseUploadRequest(body, s.opts)
	if err != nil {
		return protocolError(w, "%v", err)
	}
	tips, err := s.advertisedRefs(ctx)
	if err != nil {
		return serverError(w, err)
	}
	st := s.openObjects()
	defer st.Close()
	wk := newWalker(ctx, s.repo, st, s.opts.MaxWork)
	if s.observe != nil {
		defer func() { s.observe(wk.work) }()
	}
	plan, err := s.plan(wk, ur, tips)
	if err != nil {
		return s.walkError(w, err)
	}
	pe := pktline.NewEncoder(w)
	if ur.deepens() {
		if err := plan.writeShallowInfo(pe); err != nil {
			return err
		}
	}
	if ur.wantsOnly {
		return nil
	}
	return s.negotiate(ctx, w, pe, ur, plan, wk)
}

// walkError answers a failed walk: a refusal the client is told about, or a
// server failure.
func (s *Server) walkError(w io.Writer, err error) error {
	var refused *refusal
	switch {
	case errors.As(err, &refused):
		return protocolError(w, "%s", refused.msg)
	case errors.Is(err, errTooMuchWork):
		return protocolError(w, "upload-pack: this request would visit more than %d objects; "+
			"fetch fewer refs at once, or clone with --depth", s.opts.MaxWork)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return serverError(w, err)
}

// refusal is a reason to refuse a request, told to the client.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, a ...any) error { return &refusal{fmt.Sprintf(format, a...)} }

// negotiate acknowledges the haves the server has, and after "done" sends
// the pack.
func (s *Server) negotiate(ctx context.Context, w io.Writer, pe *pktline.Encoder, ur *uploadRequest, plan *fetchPlan, wk *walker) error {
	detailed := ur.caps.Supports(capability.MultiACKDetailed)
	multi := detailed || ur.caps.Supports(capability.MultiACK)
	var common []plumbing.Hash
	var acks []string
	if err := wk.charge(len(ur.haves)); err != nil {
		return s.walkError(w, err)
	}
	for _, have := range ur.haves {
		if wk.st.HasEncodedObject(have) != nil {
			continue
		}
		common = append(common, have)
		switch {
		case detailed:
			acks = append(acks, fmt.Sprintf("ACK %s common\n", have))
		case multi:
			acks = append(acks, fmt.Sprintf("ACK %s continue\n", have))
		case len(common) == 1:
			acks = append(acks, fmt.Sprintf("ACK %s\n", have))
		}
	}
	if !ur.done {
		if len(common) == 0 || multi {
			acks = append(acks, "NAK\n")
		}
		return writeLines(pe, acks)
	}
	objs, err := wk.sendSet(append(ur.wants, plan.extraWants...), common, plan.grafts, plan.edges)
	if err != nil {
		return s.walkError(w, err)
	}
	switch {
	case len(common) == 0:
		acks = append(acks, "NAK\n")
	case multi:
		acks = append(acks, fmt.Sprintf("ACK %s\n", common[len(common)-1]))
	}
	if err := writeLines(pe, acks); err != nil {
		return err
	}
	return sendPack(ctx, w, pe, ur.caps, wk, objs)
}

func writeLines(pe *pktline.Encoder, lines []string) error {
	for _, l := range lines {
		if err := pe.EncodeString(l); err != nil {
			return err
		}
	}
	return nil
}

// sendPack writes the pack of objs, in side-band packets when the client
// asked for them.
func sendPack(ctx context.Context, w io.Writer, pe *pktline.Encoder, caps *capability.List, wk *walker, objs []plumbing.Hash) error {
	var out io.Writer = w
	var mux *sidebandWriter
	switch {
	case caps.Supports(capability.Sideband64k):
		mux = &sidebandWriter{pe: pe, max: 65520 - 5}
	case caps.Supports(capability.Sideband):
		mux = &sidebandWriter{pe: pe, max: 1000 - 5}
	}
	if mux != nil {
		out = mux
		if !caps.Supports(capability.NoProgress) {
			mux.send(sideband.ProgressMessage, fmt.Appendf(nil, "Counting objects: %d, done.\n", len(objs)))
		}
	}
	// Full packets rather than one per write of the encoder.
	bw := bufio.NewWriterSize(ctxWriter{ctx, out}, 65520-5)
	enc := packfile.NewEncoder(bw, wk.st, !caps.Supports(capability.OFSDelta))
	_, err := enc.Encode(objs, packWindow)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		if mux != nil {
			mux.send(sideband.ErrorMessage, []byte("gitwiki: could not send the pack\n"))
		}
		return fmt.Errorf("upload-pack: %w", err)
	}
	if mux != nil {
		return pe.Flush()
	}
	return nil
}
