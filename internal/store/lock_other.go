//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package store

import "os"

// haveOSLocks: without flock, every lock file looks unheld, so only the
// age rules tell a dead writer's from a live one's, and temporary files
// are never taken to be debris for want of a live process.
const haveOSLocks = false

func osLock(*os.File) error            { return nil }
func osShare(*os.File) error           { return nil }
func osTryLock(*os.File) (bool, error) { return true, nil }
