package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gitwiki/gitwiki/internal/config"
	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/upstream"
	"github.com/gitwiki/gitwiki/internal/users"
	"github.com/gitwiki/gitwiki/internal/web"
	"github.com/gitwiki/gitwiki/themes"
)

// wikiCommitter is the committer of every commit the server writes; the
// contributor is the author.
var wikiCommitter = pages.WikiCommitter

// loadConfig applies defaults, then the config file, then GITWIKI_*
// variables, then the flags that were given, then validates.
func loadConfig(fl *flag.FlagSet, args []string, flags map[string]*string, configFile *string) (config.Config, error) {
	if err := fl.Parse(args); err != nil {
		return config.Config{}, &exitError{2, err}
	}
	if fl.NArg() > 0 {
		return config.Config{}, usageErr("unexpected argument %q", fl.Arg(0))
	}
	c := config.Default()
	if *configFile != "" {
		if err := c.LoadFile(*configFile); err != nil {
			return c, &exitError{2, err}
		}
	}
	if err := c.FromEnv(os.Getenv); err != nil {
		return c, &exitError{2, err}
	}
	fields := map[string]*string{"addr": &c.Addr, "data": &c.Data, "repo": &c.Repo, "branch": &c.Branch, "dir": &c.Dir, "theme": &c.Theme, "base-url": &c.BaseURL,
		"upstream": &c.Upstream, "ssh-key": &c.SSHKey, "known-hosts": &c.KnownHosts, "onion-url": &c.OnionURL}
	var bad error
	fl.Visit(func(f *flag.Flag) {
		if p, ok := fields[f.Name]; ok {
			*p = *flags[f.Name]
		}
		switch f.Name {
		case "trusted-proxy":
			c.TrustedProxy = strings.FieldsFunc(*flags[f.Name], func(r rune) bool { return r == ',' || r == ' ' })
		case "fetch-every":
			d, err := time.ParseDuration(*flags[f.Name])
			if err != nil {
				bad = fmt.Errorf("--fetch-every %q: want a duration such as 60s or 5m", *flags[f.Name])
			}
			c.FetchEvery = d
		}
	})
	if bad != nil {
		return c, &exitError{2, bad}
	}
	if err := c.Validate(); err != nil {
		return c, &exitError{2, err}
	}
	return c, nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	flags := map[string]*string{
		"addr":          fl.String("addr", "127.0.0.1:8080", "address to listen on"),
		"data":          fl.String("data", "data", "directory for server state (users, session key, caches)"),
		"repo":          fl.String("repo", "", "content repository, bare or not (default DATA/wiki.git, created if missing)"),
		"branch":        fl.String("branch", "", "branch to serve (default: the repository's HEAD branch)"),
		"dir":           fl.String("dir", "", "serve this folder of the repository as the wiki root"),
		"theme":         fl.String("theme", "", "theme directory (default: the built-in theme)"),
		"base-url":      fl.String("base-url", "", "public URL of the wiki, for absolute links in feeds"),
		"trusted-proxy": fl.String("trusted-proxy", "", "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client; none by default"),
		"upstream":      fl.String("upstream", "", "git repository to sync with: https://HOST/PATH (token in $"+envUpstreamToken+"), ssh://USER@HOST/PATH or USER@HOST:PATH, file:///PATH or a path"),
		"fetch-every":   fl.String("fetch-every", "60s", "interval between fetches from the upstream (webhooks to /-/hooks/push fetch at once; secret in $"+envWebhookSecret+")"),
		"ssh-key":       fl.String("ssh-key", "", "private key file for an SSH upstream (passphrase, if any, in $"+envSSHPassphrase+")"),
		"known-hosts":   fl.String("known-hosts", "", "known_hosts file listing the SSH upstream's host key (required for SSH)"),
		"onion-url":     fl.String("onion-url", "", "the wiki's onion service address, sent to Tor Browser as Onion-Location"),
	}
	configFile := fl.String("config", "", "YAML file with server settings")
	c, err := loadConfig(fl, args, flags, configFile)
	if err != nil {
		return err
	}
	applyMemoryLimit(c, os.Getenv)
	lb := newLogBuffer(stderr)
	defer lb.close()
	log := slog.New(flushingHandler{slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelInfo}), lb})
	a, err := newApp(ctx, c, log)
	if err != nil {
		return &exitError{2, err}
	}
	defer a.close()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return &exitError{2, err}
	}
	a.greet(stdout, ln.Addr().String())
	if a.sync != nil && c.BaseURL == "" {
		a.sync.SetGitURL("http://" + ln.Addr().String() + "/-/git")
	}
	// Listening comes first: /-/health answers at once, and the first
	// requests wait only for the head's read model, which the caches in
	// DATA make quick to build.
	go func() {
		if err := a.srv.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Error("read the wiki", "repo", c.Repo, "branch", a.repo.Branch(), "err", err)
		}
		a.indexHistory(log)
	}()
	return a.serve(ctx, ln, log)
}

// app is the server wired together from the configuration.
type app struct {
	c       config.Config
	repo    *store.Repo
	loader  *site.Loader
	srv     *web.Server
	created bool // the repository was created with the starter wiki
	// stopSync, set with an upstream, stops the sync's rounds (cancel)
	// and waits for them to end, so the repository closes after them.
	cancel   context.CancelFunc
	sync     *upstream.Syncer
	stopSync func()
	// histDir is where the history index is kept; closed is set by close,
	// after which it is not started (both under histMu).
	histMu  sync.Mutex
	histDir string
	closed  bool
}

// indexHistory starts the history index, once the head's model is read:
// on a first start, building it walks every commit, and on two cores that
// walk, run alongside, slowed the first page and the full model down
// (and held one of the repository's readers throughout). Until it runs,
// histories are walked commit by commit, with the same answers.
func (a *app) indexHistory(log *slog.Logger) {
	a.histMu.Lock()
	defer a.histMu.Unlock()
	if !a.closed && a.histDir != "" {
		a.repo.IndexHistory(a.histDir, log)
	}
}

func newApp(ctx context.Context, c config.Config, log *slog.Logger) (*app, error) {
	repo, created, err := openOrCreate(ctx, c, log)
	if err != nil {
		return nil, err
	}
	a := &app{c: c, repo: repo, created: created}
	ctx, a.cancel = context.WithCancel(ctx)
	if err := a.wire(ctx, log); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// wire builds the domain services and the web server over the repository.
func (a *app) wire(ctx context.Context, log *slog.Logger) error {
	c := a.c
	th, err := loadTheme(c.Theme)
	if err != nil {
		return err
	}
	renderer := render.New(render.Config{CacheEntries: c.RenderCacheEntries, CacheBytes: int64(c.RenderCacheMB) << 20})
	loader, err := site.NewLoader(a.repo, renderer, c.Dir)
	if err != nil {
		return err
	}
	// Caches in DATA: what each page says, by blob, and the branch's
	// history by path, so a restart reads only what changed meanwhile.
	cache := filepath.Join(c.Data, "cache")
	if err := loader.UseCache(filepath.Join(cache, "site")); err != nil {
		log.Warn("page cache off: every start reads every page", "err", err)
	}
	a.loader = loader
	a.histDir = cache // indexed once the head is read (indexHistory)
	if err := checkCatalogs(ctx, loader); err != nil {
		return err
	}
	pg := pages.New(loader, wikiCommitter)
	rv := review.New(loader, pg, wikiCommitter)
	accounts, err := users.Open(c.Data)
	if err != nil {
		return err
	}
	o := web.Options{Repo: a.repo, Loader: loader, Theme: th, Pages: pg, Review: rv, Logger: log, BaseURL: c.BaseURL, LogIPs: c.LogIPs,
		Users: accounts, DataDir: c.Data, WriteBurst: c.WriteBurst, WritesPerHour: c.WritesPerHour, TrustedProxies: c.Proxies, OnionURL: c.OnionURL,
		ViewCacheBytes: int64(c.ViewCacheMB) << 20}
	if c.Upstream != "" {
		sy, hooks, err := a.newSyncer(ctx, pg, rv, log)
		if err != nil {
			return err
		}
		o.Upstream, o.Hooks = sy, hooks
	} else if os.Getenv(envWebhookSecret) != "" {
		log.Warn(envWebhookSecret + " is set but there is no --upstream: webhooks stay off")
	}
	a.srv, err = web.New(o)
	if err != nil {
		return err
	}
	// The branch must be readable; the rest of the warm-up happens
	// after the server listens (cmdServe).
	if _, err := a.repo.Head(ctx); err != nil {
		return fmt.Errorf("read %s (branch %s): %w", c.Repo, a.repo.Branch(), err)
	}
	// Merges and proposals made with plain git on disk are written down
	// here, in one place: reads never write.
	go rv.Watch(ctx, 2*time.Second, func(err error) { log.Warn("notice changes made with git", "err", err) })
	return nil
}

func (a *app) close() {
	a.histMu.Lock()
	a.closed = true
	a.histMu.Unlock()
	if a.cancel != nil {
		a.cancel()
	}
	if a.stopSync != nil {
		a.stopSync()
	}
	if a.srv != nil {
		a.srv.Close()
	}
	if a.loader != nil {
		a.loader.Close()
	}
	a.repo.Close()
}

// greet prints where the wiki is served and, on a fresh data directory, how
// to create the first maintainer.
func (a *app) greet(stdout io.Writer, addr string) {
	c := a.c
	if a.created {
		fmt.Fprintf(stdout, "Created %s with the starter wiki.\n", c.Repo)
	}
	fmt.Fprintf(stdout, "gitwiki is serving %s (branch %s) at http://%s/\n", c.Repo, a.repo.Branch(), addr)
	if paths := a.repo.CheckedOut(); len(paths) > 0 {
		fmt.Fprintf(stdout, "Web edits are off: branch %s is checked out in %s, and the wiki never changes working files, so the next commit there would undo a web edit.\n"+
			"To take edits, serve a bare clone instead:\n  git clone --bare %s %s.git\n  gitwiki serve --repo %s.git\n",
			a.repo.Branch(), strings.Join(paths, ", "), paths[0], paths[0], paths[0])
	}
	if tok := a.srv.SetupToken(); tok != "" {
		origin := c.BaseURL
		if origin == "" {
			origin = "http://" + addr
		}
		fmt.Fprintf(stdout, "No maintainer account exists yet. Create the first one with this one-time link:\n  %s/-/setup?token=%s\nor on the command line, with the password on standard input:\n  gitwiki user add NAME --maintainer --data %s\n",
			origin, tok, c.Data)
	}
}

// serve answers requests until ctx ends, then shuts down gracefully.
func (a *app) serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           a.srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openOrCreate opens the content repository, creating it when nothing
// exists at its path yet: from the upstream when there is one, else with
// the starter content.
func openOrCreate(ctx context.Context, c config.Config, log *slog.Logger) (*store.Repo, bool, error) {
	if _, err := os.Stat(c.Repo); errors.Is(err, fs.ErrNotExist) {
		branch := c.Branch
		if branch == "" {
			branch = "main"
		}
		if c.Upstream != "" {
			r, err := fromUpstream(ctx, c, branch, log)
			return r, false, err
		}
		if err := os.MkdirAll(filepath.Dir(c.Repo), 0o750); err != nil {
			return nil, false, err
		}
		r, err := initRepo(c.Repo, branch)
		return r, true, err
	}
	r, err := store.Open(c.Repo, store.Options{Branch: c.Branch, ObjectCacheBytes: int64(c.ObjectCacheMB) << 20})
	return r, false, err
}

// checkCatalogs refuses to start on a content catalog (_i18n/) that does
// not parse, naming its file, line and key. One pushed later is left out of
// the interface and reported by gitwiki check: requests never fail on it.
func checkCatalogs(ctx context.Context, loader *site.Loader) error {
	// The head's file list, not its read model: the model loads after the
	// server listens.
	repo := loader.Repo()
	head, err := repo.Head(ctx)
	if err != nil {
		return nil // an empty repository has no catalogs; serving reports the rest
	}
	tree, err := repo.Tree(ctx, head)
	if err != nil {
		return err
	}
	for _, e := range tree.Entries() {
		name, ok := loader.ContentFile(e.Path)
		if !ok || !strings.HasPrefix(name, site.CatalogDir+"/") || !strings.HasSuffix(name, ".toml") {
			continue
		}
		b, err := repo.ReadBlob(ctx, e.Blob, 256<<10)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if err := i18n.CheckFile(name, b); err != nil {
			return fmt.Errorf("interface catalog: %w", err)
		}
	}
	return nil
}

// loadTheme loads the default theme, or the one in dir. A theme without
// catalogs of its own speaks the default theme's languages. A catalog that
// does not parse stops the start here, with its file, line and key.
func loadTheme(dir string) (*theme.Theme, error) {
	sub, err := fs.Sub(themes.FS, "default")
	if err != nil {
		return nil, err
	}
	if dir == "" {
		t, err := theme.Load(sub)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		return t, nil
	}
	fallback, err := i18n.Load(sub, "i18n")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	t, err := theme.LoadWith(os.DirFS(dir), fallback)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	return t, nil
}
