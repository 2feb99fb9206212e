package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/revlist"
)

// Smart-HTTP services, as named in "info/refs?service=".
const (
	ServiceUploadPack  = "git-upload-pack"
	ServiceReceivePack = "git-receive-pack"
)

// ErrProtocol means a git client sent something this server does not accept.
// The client has been told why in the protocol; it is not a server failure.
var ErrProtocol = errors.New("git protocol error")

// RefUpdate is one ref a push moved. Old is ZeroHash for a new ref, New is
// ZeroHash for a deleted one.
type RefUpdate struct {
	Name     string
	Old, New Hash
}

const (
	agent = "gitwiki"
	// maxNegotiation bounds an upload-pack request once inflated: wants
	// and haves are 50 bytes each, so this is over a million of them.
	maxNegotiation = 64 << 20
	// maxInflatedPush bounds a gzip-compressed push once inflated; the web
	// layer bounds the bytes on the wire.
	maxInflatedPush = 2 << 30
	packWindow      = 10
)

// advertisedRefs is what clients see: every branch, the proposal records,
// and HEAD as the served branch. Nothing else is offered or accepted as a want.
func (r *Repo) advertisedRefs(ctx context.Context) (map[string]plumbing.Hash, error) {
	out := map[string]plumbing.Hash{}
	err := r.with(ctx, func(g *git.Repository) error {
		it, err := g.Storer.IterReferences()
		if err != nil {
			return err
		}
		return it.ForEach(func(ref *plumbing.Reference) error {
			n := ref.Name().String()
			if ref.Type() != plumbing.HashReference || ref.Hash().IsZero() {
				return nil
			}
			if strings.HasPrefix(n, "refs/heads/") || n == "refs/meta/proposals" {
				out[n] = ref.Hash()
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	return out, nil
}

// AdvertiseRefs writes the answer to "GET info/refs?service=...": the service
// header, then the refs and this server's capabilities (protocol v0; clients
// asking for v2 fall back to it).
func (r *Repo) AdvertiseRefs(ctx context.Context, service string, w io.Writer) error {
	if service != ServiceUploadPack && service != ServiceReceivePack {
		return fmt.Errorf("%w: unknown service %q", ErrProtocol, service)
	}
	refs, err := r.advertisedRefs(ctx)
	if err != nil {
		return err
	}
	ar := packp.NewAdvRefs()
	ar.Prefix = [][]byte{[]byte("# service=" + service), pktline.Flush}
	ar.References = refs
	main := "refs/heads/" + r.branch
	caps := ar.Capabilities
	if service == ServiceUploadPack {
		for _, c := range []capability.Capability{capability.MultiACK, capability.MultiACKDetailed,
			capability.Sideband, capability.Sideband64k, capability.OFSDelta, capability.NoProgress} {
			caps.Add(c)
		}
		if h, ok := refs[main]; ok {
			ar.Head = &h
			caps.Add(capability.SymRef, "HEAD:"+main)
		}
	} else {
		caps.Add(capability.ReportStatus)
		caps.Add(capability.DeleteRefs)
		caps.Add(capability.OFSDelta)
		// Received packs are stored as they come, so they must be complete:
		// "no-thin" asks git not to delta against objects it does not send.
		caps.Add("no-thin")
	}
	caps.Add(capability.ObjectFormat, "sha1")
	caps.Add(capability.Agent, agent)
	return ar.Encode(w)
}

// uploadCaps are the capabilities a fetching client may ask for.
var uploadCaps = map[capability.Capability]bool{
	capability.MultiACK: true, capability.MultiACKDetailed: true, capability.Sideband: true,
	capability.Sideband64k: true, capability.OFSDelta: true, capability.NoProgress: true,
	capability.ObjectFormat: true, capability.Agent: true,
}

// UploadPack answers "POST git-upload-pack" (clone and fetch) statelessly, as
// smart HTTP requires: each request repeats the wants and the haves found in
// common so far, and ends with a flush (answer ACKs and NAK, the client
// sends more haves) or with "done" (answer with the pack). A gzip body is
// inflated.
func (r *Repo) UploadPack(ctx context.Context, req io.Reader, w io.Writer) error {
	body, err := inflate(req, maxNegotiation)
	if err != nil {
		return protocolError(w, "%v", err)
	}
	if b, err := body.Peek(4); err == io.EOF || err == nil && string(b) == "0000" {
		// git probes with a bare flush before streaming a large request.
		return nil
	}
	ur := packp.NewUploadRequest()
	if err := ur.Decode(body); err != nil {
		return protocolError(w, "bad upload request: %v", err)
	}
	if len(ur.Wants) == 0 {
		return protocolError(w, "no wants")
	}
	if len(ur.Shallows) > 0 || !ur.Depth.IsZero() {
		return protocolError(w, "shallow clones are not supported; clone the full history")
	}
	for _, c := range ur.Capabilities.All() {
		if !uploadCaps[c] {
			return protocolError(w, "unsupported capability %s", c)
		}
	}
	haves, done, err := readHaves(body)
	if err != nil {
		return protocolError(w, "bad upload request: %v", err)
	}

	tips, err := r.advertisedRefs(ctx)
	if err != nil {
		return serverError(w, err)
	}
	// A session holds its own handle, so that a slow clone does not keep a
	// pooled reader from the pages.
	h, err := r.open()
	if err != nil {
		return serverError(w, err)
	}
	defer h.st.Close()
	st := h.st

	isTip := map[plumbing.Hash]bool{}
	for _, t := range tips {
		isTip[t] = true
	}
	for _, want := range ur.Wants {
		if isTip[want] {
			continue
		}
		// A ref may have moved between "info/refs" and this request: an
		// ancestor of a tip is as public as the tip.
		ok, err := reachable(ctx, st, want, isTip)
		if err != nil {
			return serverError(w, err)
		}
		if !ok {
			return protocolError(w, "upload-pack: not our ref %s", want)
		}
	}

	caps := ur.Capabilities
	detailed := caps.Supports(capability.MultiACKDetailed)
	multi := detailed || caps.Supports(capability.MultiACK)
	pe := pktline.NewEncoder(w)
	var common []plumbing.Hash
	for _, have := range haves {
		if st.HasEncodedObject(have) != nil {
			continue
		}
		common = append(common, have)
		switch {
		case detailed:
			err = pe.Encodef("ACK %s common\n", have)
		case multi:
			err = pe.Encodef("ACK %s continue\n", have)
		case len(common) == 1:
			err = pe.Encodef("ACK %s\n", have)
		}
		if err != nil {
			return err
		}
	}
	if !done {
		if len(common) == 0 || multi {
			return pe.Encodef("NAK\n")
		}
		return nil
	}
	switch {
	case len(common) == 0:
		err = pe.Encodef("NAK\n")
	case multi:
		err = pe.Encodef("ACK %s\n", common[len(common)-1])
	}
	if err != nil {
		return err
	}

	var out io.Writer = w
	var mux *sidebandWriter
	switch {
	case caps.Supports(capability.Sideband64k):
		mux = &sidebandWriter{pe: pe, max: 65520 - 5}
	case caps.Supports(capability.Sideband):
		mux = &sidebandWriter{pe: pe, max: 1000 - 5}
	}
	progress := func(format string, a ...any) {
		if mux != nil && !caps.Supports(capability.NoProgress) {
			mux.send(sideband.ProgressMessage, fmt.Appendf(nil, format, a...))
		}
	}
	fail := func(err error) error {
		if mux != nil {
			mux.send(sideband.ErrorMessage, []byte("gitwiki: could not send the pack\n"))
		}
		return err
	}
	if mux != nil {
		out = mux
	}

	// Full packets rather than one per write of the encoder.
	bw := bufio.NewWriterSize(ctxWriter{ctx, out}, 65520-5)
	ignore, err := revlist.Objects(st, common, nil)
	if err == nil {
		var objs []plumbing.Hash
		objs, err = revlist.Objects(st, ur.Wants, ignore)
		if err == nil {
			progress("Counting objects: %d, done.\n", len(objs))
			enc := packfile.NewEncoder(bw, st, !caps.Supports(capability.OFSDelta))
			if _, err = enc.Encode(objs, packWindow); err == nil {
				err = bw.Flush()
			}
		}
	}
	if err != nil {
		return fail(fmt.Errorf("upload-pack: %w", err))
	}
	if mux != nil {
		return pe.Flush()
	}
	return nil
}

// sidebandWriter frames the pack in side-band packets on channel 1. max is
// the data in one packet: git's packet limit less 4 length digits and the
// band byte. (go-git's Muxer overshoots the limit by 4 bytes.)
type sidebandWriter struct {
	pe  *pktline.Encoder
	max int
}

func (s *sidebandWriter) Write(p []byte) (int, error) { return s.send(sideband.PackData, p) }

func (s *sidebandWriter) send(ch sideband.Channel, p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), s.max)
		if err := s.pe.Encode(ch.WithPayload(p[:k])); err != nil {
			return n, err
		}
		n, p = n+k, p[k:]
	}
	return n, nil
}

// readHaves reads the negotiation after the wants: "have" lines ending with
// a flush (more rounds to come) or "done". End of input counts as done.
func readHaves(body io.Reader) (haves []plumbing.Hash, done bool, err error) {
	sc := pktline.NewScanner(body)
	for sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\n"))
		switch {
		case len(line) == 0:
			return haves, false, nil
		case string(line) == "done":
			return haves, true, nil
		case bytes.HasPrefix(line, []byte("have ")):
			h, err := ParseHash(string(line[5:]))
			if err != nil {
				return nil, false, fmt.Errorf("bad have line %q", line)
			}
			haves = append(haves, h.p())
		default:
			return nil, false, fmt.Errorf("unexpected line %.60q", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, false, err
	}
	return haves, true, nil
}

// reachable reports whether the commit want is an ancestor of one of tips.
func reachable(ctx context.Context, st interface {
	EncodedObject(plumbing.ObjectType, plumbing.Hash) (plumbing.EncodedObject, error)
}, want plumbing.Hash, tips map[plumbing.Hash]bool) (bool, error) {
	seen := map[plumbing.Hash]bool{}
	var queue []plumbing.Hash
	for t := range tips {
		queue = append(queue, t)
	}
	for len(queue) > 0 && len(seen) < maxWalk {
		h := queue[0]
		queue = queue[1:]
		if seen[h] {
			continue
		}
		seen[h] = true
		if h == want {
			return true, nil
		}
		if len(seen)%256 == 0 && ctx.Err() != nil {
			return false, ctx.Err()
		}
		obj, err := st.EncodedObject(plumbing.CommitObject, h)
		if err != nil {
			continue // a tip that is not a commit has no ancestors
		}
		var c object.Commit
		if err := c.Decode(obj); err != nil {
			continue
		}
		queue = append(queue, c.ParentHashes...)
	}
	return false, nil
}

// receiveCaps are the capabilities a pushing client may ask for.
var receiveCaps = map[capability.Capability]bool{
	capability.ReportStatus: true, capability.DeleteRefs: true, capability.OFSDelta: true,
	capability.ObjectFormat: true, capability.Agent: true, "no-thin": true,
}

// ReceivePack answers "POST git-receive-pack" (push). The pack is stored as
// a new packfile, then each command is checked and applied with UpdateRef, a
// compare-and-swap against the old value the client saw; go-git never writes
// a ref here. The served branch only moves forward and cannot be deleted,
// and allow may refuse any update; its error becomes the reason the client
// prints. The client gets "ok" or "ng <reason>" for each ref, and the caller
// gets the refs that moved. A gzip body is inflated.
func (r *Repo) ReceivePack(ctx context.Context, req io.Reader, w io.Writer, allow func(ref string, old, new Hash) error) ([]RefUpdate, error) {
	body, err := inflate(req, maxInflatedPush)
	if err != nil {
		return nil, protocolError(w, "%v", err)
	}
	if b, err := body.Peek(4); err == io.EOF || err == nil && string(b) == "0000" {
		// git probes with a bare flush before streaming a large push.
		return nil, nil
	}
	ur := packp.NewReferenceUpdateRequest()
	if err := ur.Decode(body); err != nil {
		return nil, protocolError(w, "bad push request: %v", err)
	}
	if ur.Shallow != nil {
		return nil, protocolError(w, "pushes from shallow clones are not supported")
	}
	for _, c := range ur.Capabilities.All() {
		if !receiveCaps[c] {
			return nil, protocolError(w, "unsupported capability %s", c)
		}
	}

	reasons := make([]string, len(ur.Commands))
	seen := map[string]bool{}
	needPack := false
	for i, cmd := range ur.Commands {
		name := cmd.Name.String()
		switch {
		case !strings.HasPrefix(name, "refs/") || !validRefName(strings.TrimPrefix(name, "refs/")):
			reasons[i] = "funny refname"
		case seen[name]:
			reasons[i] = "duplicate ref in one push"
		}
		seen[name] = true
		if !cmd.New.IsZero() {
			needPack = true
		}
	}

	unpack := "ok"
	var fresh map[plumbing.Hash]bool
	if needPack {
		fresh, err = r.installPack(ctx, body)
		if err != nil {
			unpack = oneLine(err.Error())
			for i := range reasons {
				if reasons[i] == "" {
					reasons[i] = "unpacker error"
				}
			}
		}
	}

	var updates []RefUpdate
	for i, cmd := range ur.Commands {
		if reasons[i] != "" {
			continue
		}
		u := RefUpdate{Name: cmd.Name.String(), Old: toHash(cmd.Old), New: toHash(cmd.New)}
		if reason := r.checkUpdate(ctx, u, fresh); reason != "" {
			reasons[i] = reason
			continue
		}
		if allow != nil {
			if err := allow(u.Name, u.Old, u.New); err != nil {
				reasons[i] = oneLine(err.Error())
				continue
			}
		}
		if err := r.UpdateRef(ctx, u.Name, u.New, u.Old); err != nil {
			switch {
			case errors.Is(err, ErrStale):
				reasons[i] = "fetch first: the ref changed during the push"
			case errors.Is(err, ErrLocked):
				reasons[i] = "the ref is locked by another writer; try again"
			default:
				reasons[i] = "failed to update ref"
			}
			continue
		}
		if u.Name == "refs/heads/"+r.branch {
			r.InvalidateHead()
		}
		updates = append(updates, u)
	}

	if !ur.Capabilities.Supports(capability.ReportStatus) {
		return updates, nil
	}
	rs := packp.NewReportStatus()
	rs.UnpackStatus = unpack
	for i, cmd := range ur.Commands {
		st := "ok"
		if reasons[i] != "" {
			st = reasons[i]
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: st})
	}
	if err := rs.Encode(w); err != nil {
		return updates, err
	}
	if unpack != "ok" {
		return updates, fmt.Errorf("%w: unpack: %s", ErrProtocol, unpack)
	}
	return updates, nil
}

// checkUpdate is what git's receive-pack checks before moving a ref: the new
// value and everything it reaches must be present, a branch must point at a
// commit, and the served branch moves only forward and is never deleted.
// It returns the reason for refusing, or "".
func (r *Repo) checkUpdate(ctx context.Context, u RefUpdate, fresh map[plumbing.Hash]bool) string {
	main := u.Name == "refs/heads/"+r.branch
	if u.New.IsZero() {
		if main {
			return "deletion of the served branch is not allowed"
		}
		return ""
	}
	typ, err := r.connected(ctx, u.New, fresh)
	if err != nil {
		return "missing necessary objects"
	}
	if strings.HasPrefix(u.Name, "refs/heads/") && typ != plumbing.CommitObject {
		return "a branch must point at a commit"
	}
	if main && !u.Old.IsZero() {
		ff, err := r.IsAncestor(ctx, u.Old, u.New)
		if err != nil || !ff {
			return "non-fast-forward"
		}
	}
	return ""
}

// connected checks that tip and everything it reaches exist, as git's
// receive-pack does before accepting a ref. Objects that were already in the
// repository are trusted to be complete, so only the new pack is walked.
// It returns the type of tip.
func (r *Repo) connected(ctx context.Context, tip Hash, fresh map[plumbing.Hash]bool) (plumbing.ObjectType, error) {
	var typ plumbing.ObjectType
	err := r.with(ctx, func(g *git.Repository) error {
		st := g.Storer
		obj, err := st.EncodedObject(plumbing.AnyObject, tip.p())
		if err != nil {
			return fmt.Errorf("object %s: %w", tip.Short(), notFound(err))
		}
		typ = obj.Type()
		seen := map[plumbing.Hash]bool{}
		stack := []plumbing.Hash{tip.p()}
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[h] {
				continue
			}
			seen[h] = true
			if !fresh[h] {
				if err := st.HasEncodedObject(h); err != nil {
					return fmt.Errorf("object %s: %w", h.String()[:10], notFound(err))
				}
				continue
			}
			if len(seen)%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			o, err := st.EncodedObject(plumbing.AnyObject, h)
			if err != nil {
				return fmt.Errorf("object %s: %w", h.String()[:10], notFound(err))
			}
			switch o.Type() {
			case plumbing.CommitObject:
				var c object.Commit
				if err := c.Decode(o); err != nil {
					return err
				}
				stack = append(stack, c.TreeHash)
				stack = append(stack, c.ParentHashes...)
			case plumbing.TreeObject:
				var t object.Tree
				if err := t.Decode(o); err != nil {
					return err
				}
				for _, e := range t.Entries {
					if e.Mode != filemode.Submodule {
						stack = append(stack, e.Hash)
					}
				}
			case plumbing.TagObject:
				var t object.Tag
				if err := t.Decode(o); err != nil {
					return err
				}
				stack = append(stack, t.Target)
			}
		}
		return nil
	})
	return typ, err
}

// installPack stores the pack a client sent, as git's index-pack does: write
// it to a temporary file, verify and index it, then rename both into place.
// It returns the ids of the objects it holds. Readers reopen their handles,
// so the new objects are visible everywhere at once.
func (r *Repo) installPack(ctx context.Context, src io.Reader) (map[plumbing.Hash]bool, error) {
	dir := filepath.Join(r.gitDir, "objects", "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	pack, err := os.CreateTemp(dir, "tmp_pack_")
	if err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	idxName := pack.Name() + ".idx"
	installed := false
	defer func() {
		pack.Close()
		if !installed {
			os.Remove(pack.Name())
			os.Remove(idxName)
		}
	}()
	n, err := io.Copy(pack, ctxReader{ctx, src})
	if err != nil {
		return nil, fmt.Errorf("receive pack: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	if _, err := pack.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	idxw := new(idxfile.Writer)
	objs := &packObjects{ids: map[plumbing.Hash]bool{}}
	parser, err := packfile.NewParser(packfile.NewScanner(pack), idxw, objs)
	if err != nil {
		return nil, fmt.Errorf("read pack: %w", err)
	}
	sum, err := parser.Parse()
	if errors.Is(err, packfile.ErrReferenceDeltaNotFound) {
		return nil, errors.New("thin packs are not accepted")
	}
	if err != nil {
		return nil, fmt.Errorf("read pack: %w", err)
	}
	if len(objs.ids) == 0 {
		return objs.ids, nil
	}
	idx, err := idxw.Index()
	if err != nil {
		return nil, fmt.Errorf("index pack: %w", err)
	}
	if err := writeIdx(idxName, idx); err != nil {
		return nil, err
	}
	if err := pack.Sync(); err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	if err := pack.Close(); err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	final := filepath.Join(dir, "pack-"+sum.String())
	if _, err := os.Stat(final + ".pack"); err == nil {
		return objs.ids, nil // the very same pack is already here
	}
	os.Chmod(pack.Name(), 0o444)
	os.Chmod(idxName, 0o444)
	// go-git fails every read while a .pack has no .idx, and C git skips an
	// .idx without its .pack: so the index goes first, and a kill between
	// the two renames leaves a stray index that both ignore.
	if err := os.Rename(idxName, final+".idx"); err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	if err := os.Rename(pack.Name(), final+".pack"); err != nil {
		os.Remove(final + ".idx")
		return nil, fmt.Errorf("store pack: %w", err)
	}
	installed = true
	syncDir(dir)
	r.packsChanged()
	return objs.ids, nil
}

func writeIdx(name string, idx *idxfile.MemoryIndex) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("index pack: %w", err)
	}
	bw := bufio.NewWriter(f)
	_, err = idxfile.NewEncoder(bw).Encode(idx)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("index pack: %w", err)
	}
	return nil
}

// packsChanged makes every handle reindex the packfiles before its next use.
func (r *Repo) packsChanged() {
	r.headMu.Lock()
	r.packStamp = statStamp(filepath.Join(r.gitDir, "objects", "pack"))
	r.headMu.Unlock()
	r.gen.Add(1)
}

// packObjects collects the ids of a pack's objects as it is parsed.
type packObjects struct{ ids map[plumbing.Hash]bool }

func (p *packObjects) OnHeader(uint32) error                                          { return nil }
func (p *packObjects) OnInflatedObjectHeader(plumbing.ObjectType, int64, int64) error { return nil }
func (p *packObjects) OnFooter(plumbing.Hash) error                                   { return nil }
func (p *packObjects) OnInflatedObjectContent(h plumbing.Hash, _ int64, _ uint32, _ []byte) error {
	p.ids[h] = true
	return nil
}

// inflate undoes "Content-Encoding: gzip", which git uses for large fetch
// requests. A gzip stream cannot be mistaken for pkt-lines, whose first byte
// is a hex digit, so the body itself tells.
func inflate(r io.Reader, limit int64) (*bufio.Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(2); err != nil || b[0] != 0x1f || b[1] != 0x8b {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("bad gzip body: %w", err)
	}
	return bufio.NewReader(&capReader{r: zr, left: limit}), nil
}

// capReader fails, rather than truncates, past its limit.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("request body: %w", ErrTooLarge)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// protocolError tells the client why its request is refused, in an "ERR"
// pkt-line that git prints as "remote error: ...".
func protocolError(w io.Writer, format string, a ...any) error {
	msg := oneLine(fmt.Sprintf(format, a...))
	pktline.NewEncoder(w).Encodef("ERR %s\n", msg)
	return fmt.Errorf("%w: %s", ErrProtocol, msg)
}

// serverError tells the client the server failed, without details, and
// returns err for the log.
func serverError(w io.Writer, err error) error {
	pktline.NewEncoder(w).Encodef("ERR gitwiki: internal error, see the server log\n")
	return err
}

// oneLine keeps a message to one printable line, as pkt-line reasons must be.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	return strings.TrimSpace(s)
}
