//go:build !unix

package testhook

// The hooks signal the process itself, which only Unix can.
const supported = false

func kill() {}

func stop() {}
