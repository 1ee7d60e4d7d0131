package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// dbRoleProbes are statements that the app's database role must be refused:
// making roles or users, reading password hashes, reaching the server's shell or
// other databases.
var dbRoleProbes = map[string][]string{
	"postgres": {
		"CREATE ROLE e2e_intruder",
		"SELECT rolpassword FROM pg_authid",
		"COPY (SELECT 1) TO PROGRAM 'true'",
		"ALTER ROLE CURRENT_USER SUPERUSER",
	},
	"mysql": {
		"CREATE USER 'e2e_intruder'@'%'",
		"SELECT authentication_string FROM mysql.user",
		"CREATE DATABASE e2e_intruder",
		"SELECT * FROM mysql.global_priv",
	},
}

// dbRoleScript runs each probe in its own transaction and prints what happened.
const dbRoleScript = `import sys
from django.db import DatabaseError, connection, transaction
for statement in sys.argv[1:]:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        print("ALLOWED:", statement)
    except DatabaseError as e:
        print("refused:", statement, "->", str(e).splitlines()[0])
`

// databaseRole proves, in the web container, that the app signs in to the database
// with a role of its own that cannot do what only a superuser may.
func (s *dockerStack) databaseRole() error {
	probes := dbRoleProbes[s.combo.opts.Database]
	if len(probes) == 0 {
		return nil
	}
	code := "import sys; sys.argv[1:] = " + pyList(probes) + "\n" + dbRoleScript
	out, err := s.compose(3*time.Minute, "exec", "-T", "web", "python", "manage.py", "shell", "-c", code)
	if err != nil {
		return err
	}
	if strings.Contains(out, "ALLOWED:") || strings.Count(out, "refused:") != len(probes) {
		return fmt.Errorf("the app's database role must be refused each of %d statements:\n%s", len(probes), out)
	}
	s.t.Logf("%s: the app's database role is refused: %s", s.combo.name, strings.Join(probes, "; "))
	return nil
}

// pyList writes strings as a Python list literal.
func pyList(items []string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = fmt.Sprintf("%q", it)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// redisPassword proves that Redis, which the cache unpickles from, answers only
// clients with the password: the app's, which its URLs carry, works (the worker
// is healthy); one without it is refused.
func (s *dockerStack) redisPassword() error {
	if !s.combo.opts.Celery {
		return nil
	}
	out, _ := s.compose(time.Minute, "exec", "-T", "redis", "env", "-u", "REDISCLI_AUTH", "redis-cli", "ping")
	if !strings.Contains(out, "NOAUTH") {
		return fmt.Errorf("redis answered a client without the password: %s", strings.TrimSpace(out))
	}
	out, err := s.compose(time.Minute, "exec", "-T", "redis", "redis-cli", "ping")
	if err != nil || !strings.Contains(out, "PONG") {
		return fmt.Errorf("redis refused its own password: %v %s", err, strings.TrimSpace(out))
	}
	s.t.Logf("%s: redis refuses a client without the password", s.combo.name)
	return nil
}

// hardening checks, with docker inspect, what the production compose file asks
// of a container (web's, the proxy's): no capabilities, no new privileges, a
// read-only root, limits on memory and processes, a rotated log.
func (s *dockerStack) hardening(service, id string) error {
	out, err := s.docker(time.Minute, "docker", "inspect", "--format", "{{json .HostConfig}}", id)
	if err != nil {
		return err
	}
	var hc struct {
		CapDrop        []string
		SecurityOpt    []string
		ReadonlyRootfs bool
		Memory         int64
		PidsLimit      *int64
		LogConfig      struct {
			Type   string
			Config map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out), &hc); err != nil {
		return fmt.Errorf("docker inspect host config: %v: %s", err, out)
	}
	var problems []string
	if !slices.Contains(hc.CapDrop, "ALL") {
		problems = append(problems, fmt.Sprintf("capabilities dropped: %v, want ALL", hc.CapDrop))
	}
	if !slices.Contains(hc.SecurityOpt, "no-new-privileges:true") {
		problems = append(problems, fmt.Sprintf("security options %v, want no-new-privileges:true", hc.SecurityOpt))
	}
	if !hc.ReadonlyRootfs {
		problems = append(problems, "the root file system is writable")
	}
	if hc.Memory <= 0 {
		problems = append(problems, "no memory limit")
	}
	if hc.PidsLimit == nil || *hc.PidsLimit <= 0 {
		problems = append(problems, "no limit on processes")
	}
	if hc.LogConfig.Config["max-size"] == "" || hc.LogConfig.Config["max-file"] == "" {
		problems = append(problems, fmt.Sprintf("log %s %v does not rotate", hc.LogConfig.Type, hc.LogConfig.Config))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the production %s container: %s", service, strings.Join(problems, "; "))
	}
	s.t.Logf("%s: production %s: capabilities %v dropped, no new privileges, read-only root, %d MB and %d processes at most, log rotated at %s",
		s.combo.name, service, hc.CapDrop, hc.Memory>>20, *hc.PidsLimit, hc.LogConfig.Config["max-size"])
	return nil
}
