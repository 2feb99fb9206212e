package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// DefaultViewCacheBytes bounds the view cache when Options leave it at 0:
// about a thousand ordinary pages, each as sent and gzipped.
const DefaultViewCacheBytes = 32 << 20

// proposalsRecheck is how long the proposal records' version is trusted
// when no ref was updated through this process: records changed by another
// process (git on disk) show in the views within it.
const proposalsRecheck = time.Second

// sharedHeadAge is how old a look at the branch a page view may share
// with others (site.Loader.HeadWithin): a change made with git on disk, in
// the time it takes to run git, is older than that when the next page is
// asked for; one made through this process shows at once.
const sharedHeadAge = time.Millisecond

// head is the read model of the served branch's head, for page views.
func (s *Server) head(ctx context.Context) (*site.Site, error) {
	return s.loader.HeadWithin(ctx, sharedHeadAge)
}

// viewKind is the kind of view a cached response is.
type viewKind uint8

const (
	kindPage viewKind = iota + 1
	kindFolder
	kindPages
	kindHistory
)

// viewKey is everything a cached response depends on. Responses for
// signed-in readers, and views with a query (?rev=, ?saved=1), are never
// cached, so neither the account nor the query is part of it.
type viewKey struct {
	kind   viewKind
	commit store.Hash // the content, its settings and navigation
	// path is the address as sent: the picker's form comes back to it.
	path string
	// lang is the interface language (i18n.Lang.ID); choice the reader's
	// pick that the picker marks, on views that follow the reader only.
	lang, choice string
	policy       string     // the edit policy: which edit links show
	proposals    store.Hash // the proposal records: notices of open ones
}

// cachedView is one response as sent: the bytes, gzipped once when that
// makes them smaller, and its validator. The header values are made once
// too, each a slice of one value at full capacity (as in securityHeaders):
// a warm view sets them without allocating.
type cachedView struct {
	key  viewKey
	etag string // quoted; the gzipped bytes' is this with "-gz"
	body []byte
	gz   []byte
	lang string // Content-Language, "" for none

	etagH, etagGzH, langH, lenH, lenGzH []string
}

// Header values every cached view sends, shared like the above.
var (
	viewType    = []string{"text/html; charset=utf-8"}
	viewCaching = []string{"no-cache"}
	viewGzip    = []string{"gzip"}
	// The interface of a view without a language of its own follows the
	// reader's picker and browser; the account menu follows the session.
	// The first is what gzipResponses sends, the second with this added.
	viewVaryEnc = []string{"Accept-Encoding"}
	viewVary    = []string{"Accept-Encoding", "Accept-Language, Cookie"}
)

// headers makes v's header values once.
func (v *cachedView) headers() {
	v.etagH = []string{v.etag}
	v.etagGzH = []string{v.etag[:len(v.etag)-1] + `-gz"`}
	if v.lang != "" {
		v.langH = []string{v.lang}
	}
	v.lenH = []string{strconv.Itoa(len(v.body))}
	v.lenGzH = []string{strconv.Itoa(len(v.gz))}
}

// size is about the memory v holds: its slices' capacities (what the
// allocator gave them), its strings and the bookkeeping around it.
func (v *cachedView) size() int64 {
	return int64(cap(v.body)+cap(v.gz)+len(v.key.path)+len(v.key.lang)+len(v.key.choice)+3*len(v.etag)) + 448
}

// viewCache keeps the whole responses of the views anonymous readers ask
// for most (pages, folders, the page list, histories), rendered once per commit and
// language: a warm view is then a lookup and a write, where executing the
// page template with its navigation was most of a view. It is bounded by
// bytes, least recently used out first; the views of an old commit are
// never asked for again and age out.
type viewCache struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	order list.List // of *cachedView, most recently used first
	items map[viewKey]*list.Element
	// front finds a view from the request alone (cachedViews), before
	// routing and the read model's lookups; it names views, which the
	// list above keeps or lets go.
	front  map[frontKey]viewKey
	flight singleflight.Group // one render per missing view
	builds atomic.Int64       // responses rendered for the cache, for tests
	fronts atomic.Int64       // views answered by cachedViews, for tests

	langMu sync.Mutex
	langs  map[langQuery]string // reader languages resolved (readerLang)

	propMu  sync.Mutex
	props   propsVersion
	recheck time.Duration // proposalsRecheck; tests set 0 to read every time
}

// langQuery is what a reader language is resolved from.
type langQuery struct {
	commit         store.Hash
	choice, accept string
}

// maxLangMemo bounds the reader languages remembered; past it they are
// forgotten at once and resolved again.
const maxLangMemo = 1024

// propsVersion is the proposal records' commit as last read, with the ref
// generation and time it was read at.
type propsVersion struct {
	ok   bool
	gen  uint64
	at   time.Time
	hash store.Hash
}

func newViewCache(max int64) *viewCache {
	if max <= 0 {
		max = DefaultViewCacheBytes
	}
	return &viewCache{max: max, items: map[viewKey]*list.Element{}, front: map[frontKey]viewKey{}, langs: map[langQuery]string{}, recheck: proposalsRecheck}
}

func (c *viewCache) get(k viewKey) (*cachedView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedView), true
}

// frontKey is what a cached view is found by from the request alone: with
// the commit, the address decides the kind of view, its edit policy and the
// language of a page that has one; the picker's choice and the browser's
// languages decide the interface language of the others.
type frontKey struct {
	commit, proposals store.Hash
	path              string // as sent, escaped
	choice, accept    string
}

// maxFront bounds the addresses remembered in front; past it they are
// forgotten at once and found again through the handlers.
const maxFront = 8192

// getFront is the kept view fk names, if it is still kept.
func (c *viewCache) getFront(fk frontKey) (*cachedView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.front[fk]
	if !ok {
		return nil, false
	}
	e, ok := c.items[k]
	if !ok {
		delete(c.front, fk)
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedView), true
}

// putFront remembers that fk names the view k.
func (c *viewCache) putFront(fk frontKey, k viewKey) {
	if len(fk.accept) > 256 {
		return // not worth a place: no browser sends that
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.front) >= maxFront {
		clear(c.front)
	}
	c.front[fk] = k
}

// put keeps v, unless it alone is over the budget (the page list of a huge
// wiki): it would push out every page and then itself.
func (c *viewCache) put(v *cachedView) {
	n := v.size()
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[v.key]; ok {
		c.remove(e)
	}
	c.items[v.key] = c.order.PushFront(v)
	c.bytes += n
	for c.bytes > c.max {
		c.remove(c.order.Back())
	}
}

func (c *viewCache) remove(e *list.Element) {
	v := e.Value.(*cachedView)
	c.order.Remove(e)
	delete(c.items, v.key)
	c.bytes -= v.size()
}

// held is the bytes the cache holds, and how many responses.
func (c *viewCache) held() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes, len(c.items)
}

// viewKey is the cache key of a view of current, and false when the
// response must not be shared or kept:
//   - a signed-in reader's: the header shows the account, and what a
//     maintainer or an editor sees (edit links per section) is no
//     anonymous reader's business;
//   - a request with a query (?rev=, ?saved=1, or anything else);
//   - anything but GET and HEAD;
//   - a view of a provisional model (starting.go): the full view, under
//     the same commit, replaces it as soon as the model is read.
func (s *Server) viewKey(r *http.Request, st *site.Site, kind viewKind, current wikipath.Page) (viewKey, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery != "" || r.URL.ForceQuery || s.user(r) != nil || st.Provisional() {
		return viewKey{}, false
	}
	props, err := s.proposalsVersion(r.Context())
	if err != nil {
		return viewKey{}, false
	}
	k := viewKey{kind: kind, commit: st.Commit, path: r.URL.EscapedPath(), policy: st.Settings.EditPolicy, proposals: props}
	m := s.model(st)
	if m.FollowsReader(current) {
		k.choice = readerChoice(r)
		k.lang = s.readerLang(r, m, k.choice)
	} else if l := m.Lang(present.Output{}, current); l != nil {
		k.lang = l.ID()
	}
	return k, true
}

// readerLang is the interface language of a view that follows the reader,
// remembered per commit, pick and Accept-Language: matching a browser's
// list against the catalog's languages costs more than the rest of a
// cached view.
func (s *Server) readerLang(r *http.Request, m *present.Model, choice string) string {
	q := langQuery{commit: m.Site.Commit, choice: choice, accept: r.Header.Get("Accept-Language")}
	c := s.views
	c.langMu.Lock()
	id, ok := c.langs[q]
	c.langMu.Unlock()
	if ok {
		return id
	}
	if l := m.Lang(present.Output{Choice: choice, Accept: q.accept}, ""); l != nil {
		id = l.ID()
	}
	if len(q.accept) > 256 {
		return id // not worth a place: no browser sends that
	}
	c.langMu.Lock()
	if len(c.langs) >= maxLangMemo {
		clear(c.langs)
	}
	c.langs[q] = id
	c.langMu.Unlock()
	return id
}

// proposalsVersion names the state of the proposal records (the commit
// of review.MetaRef, zero before the first), so views that show open
// proposals change when they do. It is read again after any ref update
// through this process, and otherwise at most every proposalsRecheck.
func (s *Server) proposalsVersion(ctx context.Context) (store.Hash, error) {
	gen := s.repo.RefGeneration()
	now := time.Now()
	c := s.views
	c.propMu.Lock()
	p := c.props
	c.propMu.Unlock()
	if p.ok && p.gen == gen && now.Sub(p.at) < c.recheck {
		return p.hash, nil
	}
	h, err := s.repo.ResolveRef(ctx, review.MetaRef)
	if errors.Is(err, store.ErrNotFound) {
		h, err = store.ZeroHash, nil
	}
	if err != nil {
		return store.ZeroHash, err
	}
	c.propMu.Lock()
	c.props = propsVersion{ok: true, gen: gen, at: now, hash: h}
	c.propMu.Unlock()
	return h, nil
}

// viewBuilder builds a view for the cache: the template, its data and the
// Content-Language ("" for none).
type viewBuilder func(r *http.Request) (view string, data any, lang string, err error)

// serveView answers from the view cache, building and keeping the response
// first when it is not there. Readers asking for the same missing view at
// once share one build.
func (s *Server) serveView(w http.ResponseWriter, r *http.Request, k viewKey, build viewBuilder) error {
	v, ok := s.views.get(k)
	if !ok {
		// The build outlives the request that started it: others wait on it.
		r := r.WithContext(context.WithoutCancel(r.Context()))
		res, err, _ := s.views.flight.Do(k.String(), func() (any, error) {
			if v, ok := s.views.get(k); ok {
				return v, nil
			}
			return s.buildView(r, k, build)
		})
		if err != nil {
			return err
		}
		v = res.(*cachedView)
	}
	if fk, ok := frontOf(r, k.commit, k.proposals); ok {
		s.views.putFront(fk, k)
	}
	s.writeView(w, r, v)
	return nil
}

// frontOf is the front key of a request for a view of commit, and false
// when the request may not be answered from the front (cachedViews): a
// session cookie (valid or not: the handlers decide), a query, or a method
// other than GET and HEAD.
func frontOf(r *http.Request, commit, proposals store.Hash) (frontKey, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery != "" || r.URL.ForceQuery {
		return frontKey{}, false
	}
	if r.Header.Get("Cookie") != "" && len(r.CookiesNamed(sessionCookie)) != 0 {
		return frontKey{}, false
	}
	return frontKey{commit: commit, proposals: proposals, path: r.URL.EscapedPath(), choice: readerChoice(r), accept: r.Header.Get("Accept-Language")}, true
}

// cachedViews answers an anonymous reader's view from the view cache when
// the same address, languages and commit were answered from it before:
// without routing, the read model's lookups or the presentation model, a
// warm view costs little more than writing its bytes. Everything else, and
// every miss, goes on to h, which fills the cache.
func (s *Server) cachedViews(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Until the head's full model is read nothing is kept (views come
		// from a provisional model), and reading the head would wait for it.
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.Ready() {
			if v, ok := s.frontView(r); ok {
				s.views.fronts.Add(1)
				s.writeView(w, r, v)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// frontView is the cached view the request names, if one is kept.
func (s *Server) frontView(r *http.Request) (*cachedView, bool) {
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		return nil, false
	}
	ctx := r.Context()
	st, err := s.head(ctx)
	if err != nil {
		return nil, false
	}
	props, err := s.proposalsVersion(ctx)
	if err != nil {
		return nil, false
	}
	fk, ok := frontOf(r, st.Commit, props)
	if !ok {
		return nil, false
	}
	return s.views.getFront(fk)
}

// String is the key as one string, for the build's single flight.
func (k viewKey) String() string {
	return fmt.Sprintf("%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", k.kind, k.commit, k.path, k.lang, k.choice, k.policy, k.proposals)
}

// buildView renders a view, gzips it once and keeps it.
func (s *Server) buildView(r *http.Request, k viewKey, build viewBuilder) (*cachedView, error) {
	view, data, lang, err := build(r)
	if err != nil {
		return nil, err
	}
	s.views.builds.Add(1)
	var buf bytes.Buffer
	if err := s.theme.Execute(&buf, view, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", view, err)
	}
	v := &cachedView{key: k, etag: s.viewETag(k), body: bytes.Clone(buf.Bytes()), lang: lang}
	buf.Reset()
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(v.body)
	if zw.Close() == nil && buf.Len() < len(v.body) {
		v.gz = bytes.Clone(buf.Bytes())
	}
	gzipPool.Put(zw)
	v.headers()
	s.views.put(v)
	return v, nil
}

// viewETag is the validator of a cached view: its key names everything its
// bytes depend on, with the theme.
func (s *Server) viewETag(k viewKey) string {
	sum := sha256.Sum256([]byte("view\x00" + s.themeID + "\x00" + k.String()))
	return `"` + hex.EncodeToString(sum[:10]) + `"`
}

// writeView sends a kept response, gzipped to a client that takes it (the
// compression layer leaves a response that is encoded already alone), or
// 304 when the client has it. Its header values are v's, made once.
func (s *Server) writeView(w http.ResponseWriter, r *http.Request, v *cachedView) {
	hd := w.Header()
	hd["Cache-Control"] = viewCaching[:1:1]
	if vary := hd["Vary"]; len(vary) == 1 && vary[0] == viewVaryEnc[0] {
		hd["Vary"] = viewVary[:2:2]
	} else {
		hd.Add("Vary", viewVary[1])
	}
	gz := v.gz != nil && r.Method != http.MethodHead && acceptsGzip(r)
	body, etag, length := v.body, v.etagH, v.lenH
	if gz {
		body, etag, length = v.gz, v.etagGzH, v.lenGzH
	}
	hd["Etag"] = etag[:1:1]
	// The compression layer takes "-gz" off what the client sends back.
	if r.Header.Get("If-None-Match") != "" && ifNoneMatch(r, v.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd["Content-Type"] = viewType[:1:1]
	if v.langH != nil {
		hd["Content-Language"] = v.langH[:1:1]
	}
	if gz {
		hd["Content-Encoding"] = viewGzip[:1:1]
	}
	hd["Content-Length"] = length[:1:1]
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// warmer builds the read model and the presentation model of the head in
// the background after a write, so that the next reader (the redirect
// after a save, the next edit) finds them built instead of building them
// while the response waits. Writes in a burst ask for one warm-up.
type warmer struct {
	s     *Server
	ask   chan struct{}
	stop  chan struct{}
	start sync.Once
	end   sync.Once
	done  chan struct{}
	// warmed, when a test sets it, hears of each warm-up's commit.
	warmed func(store.Hash)
}

func newWarmer(s *Server) *warmer {
	return &warmer{s: s, ask: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// kick asks for a warm-up; it never waits.
func (w *warmer) kick() {
	w.start.Do(func() { go w.run() })
	select {
	case w.ask <- struct{}{}:
	default: // one is asked for already
	}
}

func (w *warmer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.stop:
			return
		case <-w.ask:
		}
		if st, err := w.s.loader.Head(context.Background()); err == nil {
			w.s.model(st)
			if w.warmed != nil {
				w.warmed(st.Commit)
			}
		}
	}
}

// close stops the warm-ups, waiting for one under way.
func (w *warmer) close() {
	w.end.Do(func() {
		close(w.stop)
		w.start.Do(func() { close(w.done) })
		<-w.done
	})
}
