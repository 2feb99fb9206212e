// Package merge diffs and merges text line by line: Lines, Stats and
// SideBySide feed the diff views, and Merge3 reconciles concurrent edits the
// way git merge-file --diff3 does, so a merge made on the web and the same
// merge made with plain git agree.
//
// It does no I/O and knows nothing of git or HTML: row text is raw and must
// be escaped by whoever renders it.
package merge
