package e2e

import (
	"fmt"
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
