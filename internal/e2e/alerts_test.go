package e2e

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// dynMailSink is an SMTP server on 127.0.0.1 that keeps every message it is
// sent: where the generated project's error mails go in the suite.
type dynMailSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string // each message's data, headers and body
}

func newMailSink() (*dynMailSink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &dynMailSink{ln: ln}
	go s.serve()
	return s, nil
}

func (s *dynMailSink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *dynMailSink) close() { s.ln.Close() }

func (s *dynMailSink) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(conn)
	}
}

// session speaks just enough SMTP for Python's smtplib: greetings, envelope,
// DATA, QUIT; every command but DATA and QUIT is accepted as it comes.
func (s *dynMailSink) session(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(conn)
	reply := func(line string) { fmt.Fprintf(conn, "%s\r\n", line) }
	reply("220 e2e mail sink")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "DATA"):
			reply("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.TrimRight(l, "\r\n") == "." {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, data.String())
			s.mu.Unlock()
			reply("250 kept")
		case strings.HasPrefix(cmd, "QUIT"):
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

func (s *dynMailSink) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

// dynMailSettings send the project's mail to the sink, and name the admins who
// get the error reports.
func dynMailSettings(sink *dynMailSink) []string {
	return []string{
		"DJANGO_EMAIL_HOST=127.0.0.1",
		fmt.Sprintf("DJANGO_EMAIL_PORT=%d", sink.port()),
		"DJANGO_EMAIL_USE_TLS=False",
		"DJANGO_ADMINS=E2E Ops <" + dynAdminMail + ">",
		"DJANGO_SERVER_EMAIL=api@example.com",
	}
}

const dynAdminMail = "e2e-ops@example.com"

// dynCrashScript makes a request crash inside the project, with its production
// settings: a view that raises, reached through the whole middleware stack and
// Django's handling of uncaught exceptions.
const dynCrashScript = `import sys, types
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

def crash(request):
    raise RuntimeError("e2e: a deliberate crash")

urls = types.ModuleType("e2e_crash_urls")
urls.urlpatterns = [path("api/e2e-crash/", crash)]
sys.modules["e2e_crash_urls"] = urls
with override_settings(ROOT_URLCONF="e2e_crash_urls"):
    response = Client(raise_request_exception=False).get(
        "/api/e2e-crash/", HTTP_HOST="api.example.com", secure=True
    )
print("status", response.status_code, response.content.decode()[:200])
`

// checkErrorMail proves that a server error mails the admins over SMTP while
// DEBUG is off: the generated LOGGING must keep Django's mail_admins handler.
func (p *dynProject) checkErrorMail(sink *dynMailSink) {
	const step = "9 error mail"
	out := p.run(step, 2*time.Minute, nil, p.py, "manage.py", "shell", "-c", dynCrashScript)
	if !strings.Contains(out, "status 500") {
		p.fail(step, "the crashing view did not answer 500:\n%s", dynTail(out, dynTailLines))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range sink.messages() {
			if strings.Contains(m, dynAdminMail) && strings.Contains(m, "Internal Server Error: /api/e2e-crash/") {
				if !strings.Contains(m, "e2e: a deliberate crash") {
					p.fail(step, "the error mail does not carry the exception:\n%s", dynShorten([]byte(m), 2000))
				}
				return
			}
		}
		if time.Now().After(deadline) {
			p.fail(step, "no error mail reached %s through SMTP; the sink holds %d messages\nshell output:\n%s",
				dynAdminMail, len(sink.messages()), dynTail(out, dynTailLines))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dynSlowQuery is a statement that runs for seconds on each database.
var dynSlowQuery = map[string]string{
	"postgres": "SELECT pg_sleep(5)",
	// 506³ rows; MariaDB lets SLEEP and BENCHMARK end early without an error.
	"mysql": "SELECT COUNT(*) FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b, information_schema.COLLATIONS c",
}

// checkStatementTimeout proves DJANGO_DB_STATEMENT_TIMEOUT: the database cancels
// a statement that runs longer, and the error reaches the app.
func (p *dynProject) checkStatementTimeout() {
	const step = "9 statement timeout"
	query, ok := dynSlowQuery[p.combo.opts.Database]
	if !ok {
		return
	}
	code := fmt.Sprintf(`import time
from django.db import DatabaseError, connection
start = time.monotonic()
try:
    with connection.cursor() as cursor:
        cursor.execute(%q)
        cursor.fetchall()
except DatabaseError as e:
    print("cancelled after %%.1fs:" %% (time.monotonic() - start), type(e).__name__, e)
else:
    print("not cancelled after %%.1fs" %% (time.monotonic() - start))
`, query)
	out := p.run(step, 2*time.Minute, []string{"DJANGO_DB_STATEMENT_TIMEOUT=500"}, p.py, "manage.py", "shell", "-c", code)
	if !strings.Contains(out, "cancelled after") || !(strings.Contains(out, "statement timeout") || strings.Contains(out, "max_statement_time")) {
		p.fail(step, "with DJANGO_DB_STATEMENT_TIMEOUT=500, %s was not cancelled:\n%s", query, dynTail(out, dynTailLines))
	}
	p.t.Logf("%s: %s", p.combo.name, out[strings.LastIndex(out, "cancelled after"):])
}
