package export

import (
	"bytes"
	"context"

	"github.com/gitwiki/gitwiki/internal/search"
)

// searchIndex builds the offline search index (search.ExportIndex): the
// scripts the search page loads on demand, since file:// pages cannot
// fetch. Addresses in it are relative to the search page.
func (b *build) searchIndex(ctx context.Context) (*search.Export, error) {
	fromSearch := scheme{plan: b.plan, prefix: "../../"}
	docs := make([]search.ExportDoc, 0, len(b.plan.list))
	for _, p := range b.plan.list {
		docs = append(docs, search.ExportDoc{Page: p, URL: fromSearch.page(p.Name)})
	}
	return search.ExportIndex(ctx, b.plan.st, docs)
}

// searchJobs write the index's scripts next to the search page.
func (b *build) searchJobs() []job {
	jobs := make([]job, 0, len(b.search.Files))
	for name, data := range b.search.Files {
		jobs = append(jobs, job{file: searchDir + name, make: func(context.Context, scheme, *bytes.Buffer) ([]byte, error) {
			return data, nil
		}})
	}
	return jobs
}
