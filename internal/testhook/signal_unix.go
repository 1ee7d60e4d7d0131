//go:build unix

package testhook

import "syscall"

const supported = true

func kill() { _ = syscall.Kill(syscall.Getpid(), syscall.SIGKILL) }

func stop() { _ = syscall.Kill(syscall.Getpid(), syscall.SIGSTOP) }
