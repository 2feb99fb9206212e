// Package e2e holds the end-to-end tests of gitwiki: they build the real
// binary, run it as a user would (its flags, its printed address, its exit
// codes), talk to it only over loopback HTTP, and check what it wrote with C
// git, which is independent of the go-git code under test. TestBrowser drives
// the default theme in headless Chromium through browser/browser.mjs.
//
// The package has no code of its own and imports nothing from the module:
// everything is in the _test.go files, so these tests see gitwiki exactly
// from the outside.
package e2e
