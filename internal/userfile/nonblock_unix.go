//go:build unix

package userfile

import "syscall"

// nonBlock keeps opening a named pipe from waiting for a writer.
const nonBlock = syscall.O_NONBLOCK
