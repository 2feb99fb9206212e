package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// genDocs makes n pages of about words words each, drawn Zipf-like from a made-up
// vocabulary with some accented words, half of them in English and half in Spanish.
func genDocs(n, words int) []Doc {
	r := rand.New(rand.NewPCG(1, 2))
	syll := []string{"ka", "lo", "mi", "ta", "re", "sun", "po", "li", "ci", "ón", "ía", "ñe", "der", "ment", "ing", "es"}
	vocab := make([]string, 20000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	docs := make([]Doc, n)
	for i := range docs {
		var b strings.Builder
		for w := range words {
			if w > 0 {
				b.WriteByte(' ')
				if w%12 == 0 {
					b.WriteString(".\n")
				}
			}
			b.WriteString(vocab[zipf.Uint64()])
		}
		lang := "en"
		if i%2 == 1 {
			lang = "es"
		}
		docs[i] = Doc{
			Page:    fmt.Sprintf("section-%d/page-%d", i%40, i),
			Version: fmt.Sprint("v1-", i),
			Title:   vocab[zipf.Uint64()] + " " + vocab[zipf.Uint64()],
			Text:    b.String(),
			Tags:    []string{vocab[i%100]},
			Lang:    lang,
		}
	}
	return docs
}

func BenchmarkSync2000(b *testing.B) {
	docs := genDocs(2000, 600)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := New()
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, err := ix.Sync(context.Background(), docs); err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	b.StopTimer()
	b.ReportMetric(heapMB(b, docs), "heap-MB")
}

// heapMB is the live heap an index of docs holds, text copies included.
func heapMB(tb testing.TB, docs []Doc) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := MustIndex(tb, docs...)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ix)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}

func BenchmarkSyncUnchanged2000(b *testing.B) {
	docs := genDocs(2000, 600)
	ix := MustIndex(b, docs...)
	b.ReportAllocs()
	for b.Loop() {
		if a, u, r, err := ix.Sync(context.Background(), docs); err != nil || a+u+r != 0 {
			b.Fatalf("Sync = %d, %d, %d, %v", a, u, r, err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	docs := genDocs(2000, 600)
	ix := MustIndex(b, docs...)
	words := strings.Fields(docs[0].Text)
	queries := []string{
		words[3],
		words[5] + " " + words[9],
		`"` + words[20] + " " + words[21] + `"`,
		strings.ToUpper(words[30]) + " " + words[31] + " " + words[32],
		"zzzz " + words[40], // falls back to OR
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		if _, _, err := ix.Search(context.Background(), q, 20); err != nil {
			b.Fatal(err)
		}
	}
}
