package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
	"github.com/djscaffold/scaffold/internal/writer"
)

// lockProject takes the lock of the project folder dir for the whole of a
// run that writes it, before anything reads the project, and prints what
// undoing a stopped run restored: the run then plans from the project as
// it was before that run started, and no other run changes it until this
// one's report. What is not a folder or a link gets no lock: resolving it
// says what is wrong. The caller releases the session.
func lockProject(env *Env, dir string, out printer) (*writer.Session, error) {
	if info, err := userfile.Lstat(env.Fs, dir); err != nil || !info.IsDir() && info.Mode()&fs.ModeSymlink == 0 {
		return nil, nil
	}
	s, err := writer.Lock(env.Fs, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out.notes(s.Notes)
	return s, nil
}

// applyIn writes a plan into dir under the session's lock, or, without
// one, takes the lock for the writing only.
func applyIn(ctx context.Context, env *Env, s *writer.Session, dir string, plan generator.Plan, o writer.Options) (writer.Result, error) {
	if s == nil {
		return writer.Apply(ctx, env.Fs, dir, plan, o)
	}
	return s.Apply(ctx, plan, o)
}

// lockRun is lockProject for a run that may only read: a dry run takes no
// lock, and refuses a project that another run holds or left half-written.
func lockRun(env *Env, dir string, readOnly bool, out printer) (*writer.Session, error) {
	if readOnly {
		return nil, writer.CheckIdle(env.Fs, dir)
	}
	return lockProject(env, dir, out)
}

// unlock ends a run's session, with the note to print when its lock file
// could not be removed.
func unlock(s *writer.Session) []string {
	if note := s.Release(); note != "" {
		return []string{note}
	}
	return nil
}

// keepAnswers reads the answers file (--config) of a run that locks a
// project, which it reads before it can know the folder to lock, as new
// --force does. The function it returns, called once the run holds the
// lock, fails when the file changed meanwhile, as an update of the project
// whose own .scaffold.yaml it is changes it: the run would write over that
// update.
func keepAnswers(env *Env, name string, locks bool) (unchanged func() error) {
	if name == "" || !locks {
		return func() error { return nil }
	}
	before, err := userfile.Read(env.Fs, name, userfile.MaxYAML)
	return func() error {
		after, err2 := userfile.Read(env.Fs, name, userfile.MaxYAML)
		if err != nil || err2 != nil || !bytes.Equal(before, after) {
			return fmt.Errorf("%s changed while scaffold read it, as another scaffold run may have changed it; run again", escape.Path(name))
		}
		return nil
	}
}
