package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"

	"github.com/gitwiki/gitwiki/internal/store"
)

// Command is one ref a push moves on the upstream. Old is the value the
// upstream must hold for the push to apply (ZeroHash: the ref must not
// exist, a create-only push); New is ZeroHash for a deletion.
type Command struct {
	Name     string
	Old, New store.Hash
}

// conn is one way of reaching the upstream. Each call is one session: the
// upstream's refs are listed, the callback decides on them, and the objects
// move in the same session, so the decision and the transfer see the same
// refs.
type conn interface {
	// fetch lists the upstream's refs; choose names the commits to fetch
	// and the ones already here; install stores the pack that comes back.
	fetch(ctx context.Context, choose func(refs map[string]store.Hash) (wants, haves []store.Hash, err error), install func(io.Reader) error) (map[string]store.Hash, error)
	// push lists the upstream's refs; plan names the commands and pack
	// writes the objects they need. It returns the refs as listed and, per
	// ref of the commands, "" when the upstream took it or its reason.
	push(ctx context.Context, plan func(refs map[string]store.Hash) ([]Command, error), pack func(w io.Writer, refs map[string]store.Hash, cmds []Command) error) (map[string]store.Hash, map[string]string, error)
}

// wire reaches the upstream over HTTP(S) or SSH with go-git's clients.
type wire struct {
	tr   transport.Transport
	ep   *transport.Endpoint
	auth transport.AuthMethod
}

// dialTimeout bounds an SSH connection attempt; HTTP follows the context.
const dialTimeout = 30 * time.Second

func newHTTP(opts Options) (conn, error) {
	ep, err := transport.NewEndpoint(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	w := &wire{tr: githttp.DefaultClient, ep: ep}
	if opts.Token != "" {
		if ep.Protocol == "http" && !loopback(ep.Host) {
			return nil, fmt.Errorf("%w: a token is sent over https only (plain http is allowed to loopback addresses)", ErrConfig)
		}
		user := opts.TokenUser
		if user == "" {
			user = ep.User
		}
		if user == "" {
			user = "x-access-token"
		}
		if opts.Bearer {
			w.auth = &githttp.TokenAuth{Token: opts.Token}
		} else {
			w.auth = &githttp.BasicAuth{Username: user, Password: opts.Token}
		}
	}
	ep.User, ep.Password = "", ""
	return w, nil
}

func loopback(host string) bool {
	return host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

func newSSH(opts Options) (conn, error) {
	raw := opts.URL
	ep, err := transport.NewEndpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if opts.KnownHostsFile == "" {
		return nil, fmt.Errorf("%w: SSH needs a known_hosts file listing the upstream's host key", ErrConfig)
	}
	if opts.SSHKeyFile == "" {
		return nil, fmt.Errorf("%w: SSH needs a private key file", ErrConfig)
	}
	user := ep.User
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, opts.SSHKeyFile, opts.SSHKeyPassphrase)
	if err != nil {
		return nil, fmt.Errorf("%w: SSH key %s: %v", ErrConfig, opts.SSHKeyFile, err)
	}
	db, err := gitssh.NewKnownHostsDb(opts.KnownHostsFile)
	if err != nil {
		return nil, fmt.Errorf("%w: known_hosts %s: %v", ErrConfig, opts.KnownHostsFile, err)
	}
	port := ep.Port
	if port <= 0 {
		port = 22
	}
	keys.HostKeyCallback = db.HostKeyCallback()
	keys.HostKeyAlgorithms = db.HostKeyAlgorithms(hostPort(ep.Host, port))
	return &wire{tr: gitssh.DefaultClient, ep: ep, auth: timedKeys{keys}}, nil
}

// timedKeys bounds the SSH connection attempt, which go-git makes without
// the context. (go-git's client-wide override would replace the whole
// client config, host key check included.)
type timedKeys struct{ *gitssh.PublicKeys }

func (k timedKeys) ClientConfig() (*ssh.ClientConfig, error) {
	cfg, err := k.PublicKeys.ClientConfig()
	if err == nil && cfg.HostKeyCallback == nil {
		err = fmt.Errorf("%w: no host key check", ErrConfig)
	}
	if cfg != nil {
		cfg.Timeout = dialTimeout
	}
	return cfg, err
}

// hostPort is the address as go-git's SSH client dials it, which is how
// the known_hosts database is asked for the key types to accept.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

func (w *wire) fetch(ctx context.Context, choose func(map[string]store.Hash) ([]store.Hash, []store.Hash, error), install func(io.Reader) error) (map[string]store.Hash, error) {
	sess, err := w.tr.NewUploadPackSession(w.ep, w.auth)
	if err != nil {
		return nil, err
	}
	defer closeOnDone(ctx, sess)()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return map[string]store.Hash{}, nil
	}
	if err != nil {
		return nil, err
	}
	refs := advertised(ar)
	wants, haves, err := choose(refs)
	if err != nil || len(wants) == 0 {
		return refs, err
	}
	req := packp.NewUploadPackRequestFromCapabilities(ar.Capabilities)
	// A thin pack would lean on objects it does not carry; the store
	// installs complete packs only.
	req.Capabilities.Delete(capability.ThinPack)
	if ar.Capabilities.Supports(capability.NoProgress) {
		req.Capabilities.Set(capability.NoProgress)
	}
	req.Wants = hashes(wants)
	req.Haves = hashes(haves)
	res, err := sess.UploadPack(ctx, req)
	if errors.Is(err, transport.ErrEmptyUploadPackRequest) {
		return refs, nil
	}
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var pack io.Reader = res
	switch {
	case req.Capabilities.Supports(capability.Sideband64k):
		pack = sideband.NewDemuxer(sideband.Sideband64k, res)
	case req.Capabilities.Supports(capability.Sideband):
		pack = sideband.NewDemuxer(sideband.Sideband, res)
	}
	if err := install(pack); err != nil {
		return nil, err
	}
	return refs, nil
}

func (w *wire) push(ctx context.Context, plan func(map[string]store.Hash) ([]Command, error), pack func(io.Writer, map[string]store.Hash, []Command) error) (map[string]store.Hash, map[string]string, error) {
	sess, err := w.tr.NewReceivePackSession(w.ep, w.auth)
	if err != nil {
		return nil, nil, err
	}
	defer closeOnDone(ctx, sess)()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, nil, err
	}
	refs := map[string]store.Hash{}
	caps := capability.NewList()
	if ar != nil {
		refs, caps = advertised(ar), ar.Capabilities
	}
	cmds, err := plan(refs)
	if err != nil || len(cmds) == 0 {
		return refs, nil, err
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(caps)
	if !caps.Supports(capability.ReportStatus) {
		return nil, nil, fmt.Errorf("%w: the upstream does not report push results", ErrRejected)
	}
	sends := false
	for _, c := range cmds {
		req.Commands = append(req.Commands, &packp.Command{Name: plumbing.ReferenceName(c.Name), Old: plumbing.Hash(c.Old), New: plumbing.Hash(c.New)})
		sends = sends || !c.New.IsZero()
	}
	if hasDelete(cmds) && !caps.Supports(capability.DeleteRefs) {
		return nil, nil, fmt.Errorf("%w: the upstream does not accept deletions", ErrRejected)
	}
	var packErr chan error
	if sends {
		pr, pw := io.Pipe()
		packErr = make(chan error, 1)
		go func() {
			err := pack(pw, refs, cmds)
			pw.CloseWithError(err)
			packErr <- err
		}()
		req.Packfile = pr
	}
	report, err := sess.ReceivePack(ctx, req)
	if req.Packfile != nil {
		req.Packfile.Close() // unblocks the writer if the session stopped reading
	}
	if packErr != nil {
		if perr := <-packErr; perr != nil && !errors.Is(perr, io.ErrClosedPipe) {
			return nil, nil, perr
		}
	}
	if report == nil {
		if err == nil {
			err = fmt.Errorf("%w: no report from the upstream", ErrUnreachable)
		}
		return nil, nil, err
	}
	if report.UnpackStatus != "ok" {
		return nil, nil, fmt.Errorf("%w: the upstream could not unpack: %s", ErrRejected, oneLine(report.UnpackStatus))
	}
	status := map[string]string{}
	for _, c := range cmds {
		status[c.Name] = "no report for this ref"
	}
	for _, cs := range report.CommandStatuses {
		if cs.Status == "ok" {
			status[cs.ReferenceName.String()] = ""
		} else {
			status[cs.ReferenceName.String()] = oneLine(cs.Status)
		}
	}
	return refs, status, nil
}

// closeOnDone ends a session when ctx ends, since an SSH session does not
// watch the context once connected. The returned function closes it too.
func closeOnDone(ctx context.Context, sess interface{ Close() error }) func() {
	var once sync.Once
	closeIt := func() { once.Do(func() { sess.Close() }) }
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ctx.Done():
			closeIt()
		case <-stop:
		}
	}()
	return func() {
		close(stop)
		<-done
		closeIt()
	}
}

func advertised(ar *packp.AdvRefs) map[string]store.Hash {
	out := map[string]store.Hash{}
	for name, h := range ar.References {
		if !h.IsZero() {
			out[name] = store.Hash(h)
		}
	}
	return out
}

func hashes(hs []store.Hash) []plumbing.Hash {
	out := make([]plumbing.Hash, len(hs))
	for i, h := range hs {
		out[i] = plumbing.Hash(h)
	}
	return out
}

func hasDelete(cmds []Command) bool {
	for _, c := range cmds {
		if c.New.IsZero() {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
