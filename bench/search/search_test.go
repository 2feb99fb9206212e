package searchbench

// The search benchmarks of issue 11, on the wiki bench/gencorpus writes
// (10,000 pages unless GITWIKI_BENCH_PAGES says otherwise), or on the
// repository GITWIKI_BENCH_REPO names (run.sh makes one with C git):
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/search
//
// Each benchmark times its own fixed number of operations and reports
// percentiles with b.ReportMetric: the targets are on the p95.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

var ctx = context.Background()

// env is the wiki and its index, made once for all benchmarks.
var env struct {
	once     sync.Once
	err      error
	tmp      string
	repo     *store.Repo
	loader   *site.Loader
	st       *site.Site
	ix       *search.Index
	dir      string
	pages    int
	siteLoad time.Duration
	rebuild  time.Duration
	rssSite  int64 // resident memory with the read model loaded
	rssIndex int64 // after opening the built index and running queries
	heapIdx  int64
	diskSize int64
	open     time.Duration // opening the built index, with its checks
}

func setup(b *testing.B) {
	b.Helper()
	env.once.Do(func() { env.err = prepare() })
	if env.err != nil {
		b.Fatal(env.err)
	}
}

func prepare() error {
	tmp, err := os.MkdirTemp("", "gitwiki-search-bench-")
	if err != nil {
		return err
	}
	env.tmp = tmp
	repoDir := os.Getenv("GITWIKI_BENCH_REPO")
	if repoDir == "" {
		if repoDir, err = generate(tmp); err != nil {
			return err
		}
	}
	if env.repo, err = store.Open(repoDir, store.Options{Branch: "main"}); err != nil {
		return err
	}
	if env.loader, err = site.NewLoader(env.repo, render.New(render.Config{}), ""); err != nil {
		return err
	}
	start := time.Now()
	if env.st, err = env.loader.Head(ctx); err != nil {
		return err
	}
	env.siteLoad = time.Since(start)
	for _, p := range env.st.Pages() {
		if search.Indexed(p) {
			env.pages++
		}
	}
	env.rssSite = rss()

	env.dir = filepath.Join(tmp, "search")
	ix, err := search.Open(env.dir, search.Options{})
	if err != nil {
		return err
	}
	start = time.Now()
	if err := ix.Sync(ctx, env.loader, env.st.Commit); err != nil {
		return err
	}
	env.rebuild = time.Since(start)
	ix.Close()

	// The memory of the index is measured as a server has it after a
	// restart: opened from disk, then answering queries.
	heap0 := heap()
	start = time.Now()
	if env.ix, err = search.Open(env.dir, search.Options{}); err != nil {
		return err
	}
	env.open = time.Since(start)
	if err := env.ix.Sync(ctx, env.loader, env.st.Commit); err != nil {
		return err
	}
	for i := range 200 {
		env.ix.Search(ctx, search.Query{Text: queries[i%len(queries)]})
		env.ix.Suggest(ctx, prefixes[i%len(prefixes)], 8)
	}
	env.heapIdx = heap() - heap0
	env.rssIndex = rss()
	filepath.Walk(env.dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			env.diskSize += info.Size()
		}
		return nil
	})
	return nil
}

// generate writes the corpus with bench/gencorpus and commits it.
func generate(tmp string) (string, error) {
	n := 10000
	if s := os.Getenv("GITWIKI_BENCH_PAGES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			return "", err
		}
	}
	corpus := filepath.Join(tmp, "corpus")
	cmd := exec.Command("go", "run", "./bench/gencorpus", "-n", strconv.Itoa(n), corpus)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("gencorpus: %v\n%s", err, out)
	}
	repo, err := store.Init(filepath.Join(tmp, "wiki.git"), "main", os.DirFS(filepath.Join(corpus, "wiki")),
		store.Signature{Name: "bench", Email: "bench@invalid", When: time.Unix(1700000000, 0)}, "generated corpus")
	if err != nil {
		return "", err
	}
	repo.Close()
	return filepath.Join(tmp, "wiki.git"), nil
}

// rss is the process's resident memory, from /proc, after returning freed
// memory to the system.
func rss() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func heap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// queries mix one, two and three words, completions, corrections,
// phrases, exclusions and filters, over gencorpus's vocabulary.
var queries = []string{
	"password", "encryption policy", "threat model training", "passw", "journalist",
	`"incident report"`, "backup -cloud", "privacy tag:vpn", "in:section-03 router",
	"informacion", "contraseña seguridad", "pasword", "workshop facilitator checklist",
	"usb storage", "phone", "cafe", "data recovery plan", "tim", "secure server session", "network",
}

var prefixes = []string{"p", "pa", "pass", "thr", "encryption p", "sec", "i", "inf", "work", "r", "ro", "trust s"}

// percentiles times n calls of fn and reports p50, p95 and the slowest.
func percentiles(b *testing.B, n int, fn func(i int)) {
	lat := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		fn(i)
		lat[i] = time.Since(start)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[n/2]), "p50-ms")
	b.ReportMetric(ms(lat[n*95/100]), "p95-ms")
	b.ReportMetric(ms(lat[n-1]), "max-ms")
}

// BenchmarkQuery: target p95 < 20 ms. It logs each query's median and
// slowest time, and how many pages it matches.
func BenchmarkQuery(b *testing.B) {
	setup(b)
	byQuery := make([][]time.Duration, len(queries))
	totals := make([]int, len(queries))
	for b.Loop() {
		percentiles(b, 1000, func(i int) {
			start := time.Now()
			r, err := env.ix.Search(ctx, search.Query{Text: queries[i%len(queries)]})
			if err != nil {
				b.Fatal(err)
			}
			byQuery[i%len(queries)] = append(byQuery[i%len(queries)], time.Since(start))
			totals[i%len(queries)] = r.Total
		})
	}
	for i, q := range queries {
		l := byQuery[i]
		slices.Sort(l)
		fmt.Printf("query %-34q %6d pages  p50 %6.2f ms  max %6.2f ms\n", q, totals[i], float64(l[len(l)/2].Microseconds())/1000, float64(l[len(l)-1].Microseconds())/1000)
	}
}

// BenchmarkSuggest: target p95 < 10 ms.
func BenchmarkSuggest(b *testing.B) {
	setup(b)
	for b.Loop() {
		percentiles(b, 1000, func(i int) {
			if _, err := env.ix.Suggest(ctx, prefixes[i%len(prefixes)], 8); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkRebuild: a full build of the index from the loaded read model,
// target < 60 s. It reports the read model's load (the site package's,
// not the index's) apart.
func BenchmarkRebuild(b *testing.B) {
	setup(b)
	for b.Loop() {
		dir := filepath.Join(env.tmp, fmt.Sprint("rebuild-", time.Now().UnixNano()))
		ix, err := search.Open(dir, search.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := ix.Sync(ctx, env.loader, env.st.Commit); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "rebuild-s")
		ix.Close()
		os.RemoveAll(dir)
	}
	b.ReportMetric(float64(env.pages), "pages")
	b.ReportMetric(env.siteLoad.Seconds(), "site-load-s")
}

// BenchmarkIncremental: a one-page commit, then Sync; target < 100 ms. The
// read model of the new commit is loaded first and timed apart (site-ms):
// the server loads it for its own reasons.
func BenchmarkIncremental(b *testing.B) {
	setup(b)
	page := "section-00/page-0000.md"
	var syncs, loads []time.Duration
	for b.Loop() {
		for i := range 20 {
			head, err := env.repo.Head(ctx)
			if err != nil {
				b.Fatal(err)
			}
			body := fmt.Sprintf("---\ntitle: Edited %d\n---\nAn edited page about quokka%d and passwords.\n", i, i)
			sig := store.Signature{Name: "bench", Email: "bench@invalid", When: time.Now()}
			c, err := env.repo.WriteCommit(ctx, head, []store.FileWrite{{Path: page, Content: []byte(body)}}, store.CommitInfo{Author: sig, Committer: sig, Message: "edit"})
			if err != nil {
				b.Fatal(err)
			}
			if err := env.repo.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if _, err := env.loader.At(ctx, c); err != nil {
				b.Fatal(err)
			}
			loads = append(loads, time.Since(start))
			start = time.Now()
			if err := env.ix.Sync(ctx, env.loader, c); err != nil {
				b.Fatal(err)
			}
			syncs = append(syncs, time.Since(start))
			if s, _ := env.ix.LastSync(); s.Full || s.Indexed != 1 {
				b.Fatalf("sync = %+v", s)
			}
			if r, err := env.ix.Search(ctx, search.Query{Text: fmt.Sprint("quokka", i, " ")}); err != nil || r.Total != 1 {
				b.Fatalf("edit %d not found: %v %v", i, r, err)
			}
		}
	}
	fmt.Printf("incremental syncs (ms, in order):")
	for _, d := range syncs {
		fmt.Printf(" %.1f", float64(d.Microseconds())/1000)
	}
	fmt.Println()
	slices.Sort(syncs)
	slices.Sort(loads)
	b.ReportMetric(float64(syncs[len(syncs)/2].Microseconds())/1000, "sync-p50-ms")
	b.ReportMetric(float64(syncs[len(syncs)*95/100].Microseconds())/1000, "sync-p95-ms")
	b.ReportMetric(float64(loads[len(loads)/2].Microseconds())/1000, "site-p50-ms")
}

// BenchmarkMemory reports the index's memory: resident memory added by
// opening the built index and answering queries (target < 150 MB), its Go
// heap, and its size on disk.
func BenchmarkMemory(b *testing.B) {
	setup(b)
	for b.Loop() {
	}
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	b.ReportMetric(mb(env.rssIndex-env.rssSite), "index-rss-MB")
	b.ReportMetric(mb(env.heapIdx), "index-heap-MB")
	b.ReportMetric(mb(env.rssSite), "site-rss-MB")
	b.ReportMetric(mb(env.diskSize), "disk-MB")
	b.ReportMetric(float64(env.open.Microseconds())/1000, "open-ms")
}

// BenchmarkExport builds the offline index of every page and, when Node is
// installed, runs search.js on it to count the bytes a one-word and a
// three-word query load (targets: 100 KB and 300 KB).
func BenchmarkExport(b *testing.B) {
	setup(b)
	var docs []search.ExportDoc
	for _, p := range env.st.Pages() {
		if search.Indexed(p) {
			docs = append(docs, search.ExportDoc{Page: p, URL: "../../" + string(p.Name) + "/index.html"})
		}
	}
	var ex *search.Export
	for b.Loop() {
		var err error
		if ex, err = search.ExportIndex(ctx, env.st, docs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ex.Bytes)/(1<<20), "index-MB")
	b.ReportMetric(float64(len(ex.Files)), "files")
	node, err := exec.LookPath("node")
	if err != nil {
		b.Log("node not installed: bytes per query not measured")
		return
	}
	dir := filepath.Join(env.tmp, "export")
	os.MkdirAll(dir, 0o755)
	for name, data := range ex.Files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	one, three := []string{"password", "journalist", "contraseña", "router"}, []string{"threat model training", "encryption policy journalist", "secure server session"}
	for _, set := range []struct {
		unit string
		qs   []string
	}{{"max-KB-1word", one}, {"max-KB-3words", three}} {
		worst := 0
		for _, q := range set.qs {
			files := nodeQuery(b, node, dir, ex.Main, q)
			n := len(ex.Files[ex.Main])
			for _, f := range files {
				n += len(ex.Files[f])
			}
			b.Logf("%q loads %.1f KB in %d files", q, float64(n)/1024, len(files)+1)
			worst = max(worst, n)
		}
		b.ReportMetric(float64(worst)/1024, set.unit)
	}
}

// nodeQuery runs one query with internal/search/testdata/engine.mjs and
// returns the index files it loaded.
func nodeQuery(b *testing.B, node, dir, main, q string) []string {
	req, _ := json.Marshal(map[string]any{"op": "query", "q": q, "n": 10})
	cmd := exec.Command(node, "../../internal/search/testdata/engine.mjs", "../../themes/default/static/search.js", dir, main)
	cmd.Stdin = bytes.NewReader(append(req, '\n'))
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("engine.mjs: %v", err)
	}
	var res struct {
		Files []string `json:"files"`
		Error string   `json:"error"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Error != "" {
		b.Fatalf("engine.mjs: %v %s", err, res.Error)
	}
	return res.Files
}
