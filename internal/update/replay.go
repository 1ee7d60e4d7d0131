package update

import (
	"bytes"
	"io"
)

// Replay hands out the bytes of a random source and keeps them, so that a
// second render reads the same ones: the old and the new render then hold
// the same secrets, and their .env files differ only where the templates do.
type Replay struct {
	src  io.Reader
	read bytes.Buffer
}

// NewReplay wraps src.
func NewReplay(src io.Reader) *Replay { return &Replay{src: src} }

func (r *Replay) Read(p []byte) (int, error) {
	n, err := r.src.Read(p)
	r.read.Write(p[:n])
	return n, err
}

// Again reads the bytes read so far, then goes on reading the source and
// keeping what it reads, so that every render may read through Again.
func (r *Replay) Again() io.Reader {
	return io.MultiReader(bytes.NewReader(bytes.Clone(r.read.Bytes())), r)
}
