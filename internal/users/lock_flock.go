//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package users

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on path, shared with every
// process that updates the same data directory (the server and the CLI).
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
