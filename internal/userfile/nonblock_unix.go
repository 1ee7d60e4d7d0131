//go:build unix

package userfile

import "syscall"

// nonBlock keeps opening a named pipe from waiting for a writer.
const nonBlock = syscall.O_NONBLOCK

// noFollow makes opening a symbolic link fail.
const noFollow = syscall.O_NOFOLLOW
