//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package users

import "os"

// lockFile only creates the lock file where flock is not available: writes
// from one process are still serialised by Store's mutex, and each write is
// an atomic rename, but two processes writing at the same instant may lose
// one change.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}
