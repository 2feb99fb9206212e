package searchbench

import (
	"os"
	"testing"
)

// TestMain removes the benchmarks' repository, index and export.
func TestMain(m *testing.M) {
	code := m.Run()
	if env.ix != nil {
		env.ix.Close()
	}
	if env.repo != nil {
		env.repo.Close()
	}
	if env.tmp != "" {
		os.RemoveAll(env.tmp)
	}
	os.Exit(code)
}
