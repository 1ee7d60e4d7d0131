package resource

import (
	"crypto/md5" //nolint:gosec // Django's index names take an MD5 digest, not for security
	"encoding/hex"
	"fmt"
	"strings"
)

// What the templates of release 1.3.0 and later see beyond the fields that
// earlier releases read: an owner for owned resources, and the index of the
// list's ordering. Earlier releases' templates read Migration, which stays
// as they wrote it, so that every archived release renders as it did.

// ownerRelated is the way back from the user to an owned resource's
// objects: user.notes, or user.owned_notes where the user model has an
// attribute of the resource's name already.
func ownerRelated(resource string) string {
	if userAttributes[resource] {
		return "owned_" + resource
	}
	return resource
}

// userAttributes are the names that Django's user model and the apps of a
// generated project give a user, which a way back must not hide.
var userAttributes = map[string]bool{
	"id": true, "pk": true, "password": true, "last_login": true, "is_superuser": true,
	"groups": true, "user_permissions": true, "username": true, "first_name": true,
	"last_name": true, "email": true, "is_staff": true, "is_active": true, "date_joined": true,
	"objects": true, "auth_token": true, "logentry": true, "sign_in_tokens": true,
	"signintoken": true, "outstandingtoken": true, "token": true, "tokens": true,
}

// orderingIndexes are the indexes that serve the list's ordering
// (-created_at, -id, read backwards): every object, and an owner's objects.
//
// A resource that an earlier release made has no index of the ordering: its
// database applied an initial migration without it, and a migration added
// now would be a second leaf beside any the project's own developers wrote.
func (a *App) orderingIndexes() [][]string {
	var out [][]string
	if !a.lateIndex {
		out = append(out, []string{"created_at", "id"})
	}
	if a.Owner {
		out = append(out, []string{"owner", "created_at", "id"})
	}
	return out
}

// buildOwnerAndIndexes fills what the owner and the ordering indexes add to
// the model, its migration and the tests.
func (a *App) buildOwnerAndIndexes() {
	var indexes []expr
	for _, fields := range a.orderingIndexes() {
		indexes = append(indexes, call{name: "models.Index", args: []expr{kw{"fields", list(strs(fields)...)}}})
	}
	if len(indexes) > 0 {
		a.Indexes = statement("indexes", list(indexes...), 8, ProjectLineLength)
	}
	defer func() { a.InitialMigration = a.migrationWith(true) }()
	if !a.Owner {
		return
	}
	a.OwnerRelated = ownerRelated(a.Name)
	a.OwnerField = statement("owner", call{name: "models.ForeignKey", args: []expr{
		atom("settings.AUTH_USER_MODEL"),
		kw{"on_delete", atom("models.CASCADE")},
		kw{"related_name", pyStr(a.OwnerRelated)},
		// The (owner, created_at, id) index serves every lookup by owner.
		kw{"db_index", atom("False")},
	}}, 4, ProjectLineLength)
	a.OwnerUsername = a.Name + "_owner"
}

// ownerMigrationField is the owner as makemigrations writes it.
func (a *App) ownerMigrationField(im imports) expr {
	im.add("from django.conf import settings", "import django.db.models.deletion")
	return tuple(pyStr("owner"), call{name: "models.ForeignKey", args: []expr{
		kw{"db_index", atom("False")},
		kw{"on_delete", atom("django.db.models.deletion.CASCADE")},
		kw{"related_name", pyStr(a.OwnerRelated)},
		kw{"to", atom("settings.AUTH_USER_MODEL")},
	}})
}

// migrationIndexes is the options' "indexes" entry as makemigrations
// writes it, each index with the name Django gives it
// (Index.set_name_with_model), laid out at the options' indentation.
func (a *App) migrationIndexes() []string {
	var items []expr
	initial := a.orderingIndexes()
	if len(initial) == 0 {
		return nil
	}
	for _, fields := range initial {
		items = append(items, call{name: "models.Index", args: []expr{
			kw{"fields", list(strs(fields)...)},
			kw{"name", pyStr(a.indexName(fields))},
		}})
	}
	const indent = 16
	value := list(items...)
	if one := strings.Repeat(" ", indent) + `"indexes": ` + value.flat() + ","; len(one) <= MigrationLineLength {
		return []string{one}
	}
	lines := []string{strings.Repeat(" ", indent) + `"indexes": [`}
	// Black splits a single item at its own brackets, without a trailing
	// comma; several, one a line, each with one.
	suffix := ","
	if len(items) == 1 {
		suffix = ""
	}
	for _, it := range items {
		lines = append(lines, layout(it, indent+4, "", suffix, MigrationLineLength)...)
	}
	return append(lines, strings.Repeat(" ", indent)+"],")
}

// indexName is the name Django's Index.set_name_with_model gives an index
// of the model's table on fields, all in ascending order: the table's
// first 11 characters, the first column's first 7, and an MD5 digest of
// the table, the columns and the suffix.
func (a *App) indexName(fields []string) string {
	table := a.Name + "_" + strings.ToLower(a.Model)
	columns := make([]string, len(fields))
	for i, f := range fields {
		columns[i] = f
		if f == "owner" {
			columns[i] = "owner_id"
		}
	}
	h := md5.New() //nolint:gosec // see the import
	h.Write([]byte(table))
	for _, c := range columns {
		h.Write([]byte(c))
	}
	h.Write([]byte("idx"))
	digest := hex.EncodeToString(h.Sum(nil))[:6]
	name := fmt.Sprintf("%s_%s_%s_idx", trunc(table, 11), trunc(columns[0], 7), digest)
	if name[0] == '_' || name[0] >= '0' && name[0] <= '9' {
		name = "D" + name[1:]
	}
	return name
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// MaxModelLength keeps a model's name well within what Django's content
// types and permission codenames hold (100 characters, with "change_").
const MaxModelLength = 63

// ValidateModel checks a model class name that --model gives: a Python
// class name in CamelCase that is no keyword, and that the generated
// modules do not import under the same name.
func ValidateModel(resource, model string) error {
	bad := func(reason string) error {
		return &ResourceError{Name: resource, Reason: fmt.Sprintf("its model %q: %s", model, reason)}
	}
	switch {
	case model == "":
		return bad("give a class name, such as --model Person")
	case len(model) > MaxModelLength:
		return bad(fmt.Sprintf("it has %d characters; use at most %d", len(model), MaxModelLength))
	case model[0] < 'A' || model[0] > 'Z':
		return bad("a model's class name starts with a capital letter, such as Person")
	}
	for _, r := range model {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return bad("use only ASCII letters and digits, in CamelCase, such as BlogPost")
		}
	}
	switch {
	case model == "True" || model == "False" || model == "None":
		return bad("it is a Python keyword; choose another name")
	case importedNames[model]:
		return bad("the generated code imports a name of that spelling; choose another name")
	}
	return nil
}

// importedNames are the capitalized names that a resource's modules import
// or declare beside its model, which a model of the same name would hide.
var importedNames = map[string]bool{"Decimal": true, "UTC": true, "ProtectedError": true, "Meta": true, "OwnerFactory": true}
