//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package store

import (
	"os"
	"syscall"
)

// haveOSLocks: flock is there, so a live writer's lock files can be told
// from a dead one's.
const haveOSLocks = true

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// osLock takes an exclusive OS lock on f, waiting for it. The kernel drops
// it when f is closed or its process dies, however it dies.
func osLock(f *os.File) error { return flock(f, syscall.LOCK_EX) }

// osShare turns the OS lock on f into a shared one, waiting for it.
func osShare(f *os.File) error { return flock(f, syscall.LOCK_SH) }

// osTryLock takes an exclusive OS lock on f if no one else holds one.
func osTryLock(f *os.File) (bool, error) {
	err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		return false, nil
	}
	return err == nil, err
}
