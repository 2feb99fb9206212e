// Package searchbench measures the search index on a generated wiki: see
// search_test.go and run.sh. It holds no code of its own.
package searchbench
