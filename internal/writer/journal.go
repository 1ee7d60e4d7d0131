package writer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/spf13/afero"
)

// A run keeps a journal in its lock file: one line for each change, written
// before the change is made. A run that dies without undoing its changes
// (SIGKILL, a crash, a power cut) leaves its journal behind, and the next run
// into the same folder reads it to undo them.
//
// The first line names the run's process; each other line is an operation
// and its quoted paths. Paths are slash-separated and relative to the folder
// the journal is about; temporary and backup files are base names in the
// folder of their path.
//
//	scaffold-journal 1 pid=4242 host=build-1
//	mkdir "config"
//	create "config/settings.py" ".settings.py.scaffold-tmp-0c1d2e3f"
//	replace "Dockerfile" ".Dockerfile.scaffold-tmp-0c1d2e3f" ".Dockerfile.scaffold-backup-0c1d2e3f"
//	remove "old.py" ".old.py.scaffold-backup-0c1d2e3f"
//	commit
//	done
const journalMagic = "scaffold-journal 1"

type op string

const (
	opStage   op = "stage"   // a new project is being written in the staging folder path
	opMkdir   op = "mkdir"   // path is a folder the run created
	opCreate  op = "create"  // path did not exist; the run writes temp, then renames it to path
	opReplace op = "replace" // the run writes temp, renames path to backup, then temp to path
	opRemove  op = "remove"  // the run renames path to backup
	opCommit  op = "commit"  // every change is made: backups are deleted, nothing is undone
	opDone    op = "done"    // the run ended; its lock file is about to go
)

// fields lists the paths each operation has, in order.
var fields = map[op]int{opStage: 1, opMkdir: 1, opCreate: 2, opReplace: 3, opRemove: 2, opCommit: 0, opDone: 0}

type entry struct {
	op     op
	path   string
	temp   string
	backup string
	// made is the file the run put at path, so that undoing it never
	// removes a file that someone else put there since. It is nil for an
	// entry read back from a journal.
	made fs.FileInfo
}

func (e entry) line() string {
	var b strings.Builder
	b.WriteString(string(e.op))
	names := []string{e.path, e.temp, e.backup}
	if e.op == opRemove {
		names = []string{e.path, e.backup}
	}
	for _, name := range names[:fields[e.op]] {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(name))
	}
	b.WriteByte('\n')
	return b.String()
}

// journalHeader names the process that writes the journal.
type journalHeader struct {
	pid  int
	host string
}

func (h journalHeader) line() string {
	return fmt.Sprintf("%s pid=%d host=%s\n", journalMagic, h.pid, strconv.Quote(h.host))
}

func thisRun() journalHeader {
	host, _ := os.Hostname()
	return journalHeader{pid: os.Getpid(), host: host}
}

// errBadJournal means a lock file holds something that is not a journal.
var errBadJournal = errors.New("not a scaffold journal")

// parseJournal reads a journal. A last line without its newline was cut
// short when its run died, before the change it announces was made, so it
// is left out.
func parseJournal(data []byte) (journalHeader, []entry, error) {
	var h journalHeader
	lines := bytes.Split(data, []byte("\n"))
	lines = lines[:len(lines)-1] // the part after the last newline
	if len(lines) == 0 {
		// The run died before it wrote its header, so it changed nothing.
		return h, nil, nil
	}
	head := string(lines[0])
	badHead := fmt.Errorf("%w: its first line names no run of scaffold", errBadJournal)
	rest, ok := strings.CutPrefix(head, journalMagic+" ")
	if !ok {
		return h, nil, badHead
	}
	if _, err := fmt.Sscanf(rest, "pid=%d", &h.pid); err != nil {
		return h, nil, badHead
	}
	if _, host, ok := strings.Cut(rest, " host="); ok {
		var err error
		if h.host, err = strconv.Unquote(host); err != nil {
			return h, nil, badHead
		}
	}
	var entries []entry
	suffix := ""
	for i, l := range lines[1:] {
		e, err := parseEntry(string(l))
		if err != nil {
			return h, nil, fmt.Errorf("%w: line %d is not one scaffold writes", err, i+2)
		}
		// A run names every temporary and backup file after its path and
		// one suffix of its own: nothing else is the run's to remove.
		for _, n := range [][2]string{{e.temp, tempMark}, {e.backup, backupMark}} {
			if n[0] == "" {
				continue
			}
			s, ok := ownSuffix(e.path, n[0], n[1])
			if !ok || suffix != "" && s != suffix {
				return h, nil, fmt.Errorf("%w: line %d names %s, which is no temporary or backup file of this run", errBadJournal, i+2, strconv.Quote(n[0]))
			}
			suffix = s
		}
		entries = append(entries, e)
	}
	return h, entries, nil
}

// ownSuffix returns the run's suffix of name, which must be exactly the
// temporary or backup file (by mark) that a run names for rel.
func ownSuffix(rel, name, mark string) (string, bool) {
	s, ok := strings.CutPrefix(name, "."+short(path.Base(rel))+mark)
	return s, ok && isSuffix(s)
}

// isSuffix reports whether s is a suffix runSuffix makes: 8 hex digits.
func isSuffix(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

func parseEntry(l string) (entry, error) {
	name, rest, _ := strings.Cut(l, " ")
	e := entry{op: op(name)}
	n, ok := fields[e.op]
	if !ok {
		return e, errBadJournal
	}
	var names []string
	for rest != "" {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return e, errBadJournal
		}
		s, _ := strconv.Unquote(q)
		if !validName(s, len(names) == 0) {
			return e, errBadJournal
		}
		names = append(names, s)
		rest = strings.TrimPrefix(rest[len(q):], " ")
	}
	if len(names) != n {
		return e, errBadJournal
	}
	switch e.op {
	case opRemove:
		e.path, e.backup = names[0], names[1]
	default:
		names = append(names, "", "", "")
		e.path, e.temp, e.backup = names[0], names[1], names[2]
	}
	return e, nil
}

// validName keeps a journal, which anyone who can write the folder can
// edit, from naming anything outside that folder: a path stays inside it,
// and a temporary or backup file is a base name with scaffold's marks.
func validName(s string, isPath bool) bool {
	if isPath {
		return fs.ValidPath(s) && s != "." && !strings.Contains(s, `\`)
	}
	return !strings.ContainsAny(s, `/\`) && (strings.Contains(s, tempMark) || strings.Contains(s, backupMark))
}

// readJournal reads an open lock file from its start.
func readJournal(f afero.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxJournal+1))
	if err == nil && len(data) > maxJournal {
		err = errBadJournal
	}
	return data, err
}

// maxJournal bounds what a lock file is read for: a journal holds a few
// hundred bytes for each file of a plan.
const maxJournal = 64 << 20
