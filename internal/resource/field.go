// Package resource describes the API resources of a generated project: their
// typed fields as users write them (title:str:120:unique), the checks that
// keep them valid on every supported database, and what the resource
// templates need to render them: Django model fields, the initial migration
// exactly as makemigrations writes it, DRF filters, factories and sample
// values.
package resource

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kind is a field type as users write it.
type Kind string

// The field types, in the order the help and the README list them.
const (
	Str      Kind = "str"
	Text     Kind = "text"
	Int      Kind = "int"
	BigInt   Kind = "bigint"
	Decimal  Kind = "decimal"
	Float    Kind = "float"
	Bool     Kind = "bool"
	Date     Kind = "date"
	DateTime Kind = "datetime"
	Email    Kind = "email"
	URL      Kind = "url"
	UUID     Kind = "uuid"
	Slug     Kind = "slug"
	JSON     Kind = "json"
	Choice   Kind = "choice"
	FK       Kind = "fk"
	M2M      Kind = "m2m"
)

// kinds lists every field type.
var kinds = []Kind{Str, Text, Int, BigInt, Decimal, Float, Bool, Date, DateTime, Email, URL, UUID, Slug, JSON, Choice, FK, M2M}

// modifiers lists the modifiers a field may carry after its type.
var modifiers = []string{"unique", "null", "index", "default=VALUE"}

// defaultMaxLength is the length of a str field that does not give one.
const defaultMaxLength = 255

// Limits of what a field spec may say.
const (
	maxFieldNameLength = 50
	maxCharLength      = 10_000
	maxDecimalDigits   = 30
	// mysqlIndexedCharLength is the longest str that MariaDB and MySQL index
	// or keep unique without a warning from Django (mysql.W003).
	mysqlIndexedCharLength = 255
)

// Field is one typed field of a resource.
type Field struct {
	Name string
	Kind Kind
	// MaxLength is the length of a str field.
	MaxLength int
	// MaxDigits and DecimalPlaces size a decimal field.
	MaxDigits, DecimalPlaces int
	// Choices are the values of a choice field, comma-separated in the
	// order given (a string, so that fields stay comparable); see Values.
	Choices string
	// Target is the resource an fk or m2m field points to.
	Target string
	Unique bool
	// Null makes the field optional: empty strings for string types, NULL
	// for the others, an empty list for m2m.
	Null  bool
	Index bool
	// Default is the default value in its canonical spelling; HasDefault
	// tells an empty string default from none.
	Default    string
	HasDefault bool
}

// Error is a field or resource that cannot be used, said in one line. It is
// always the user's to fix.
type Error struct {
	Spec   string // the field spec or resource name as given
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid field %q: %s", e.Spec, e.Reason)
}

// ResourceError is a resource name, or a resource as a whole, that cannot be
// used, such as one whose name is taken.
type ResourceError struct {
	Name   string
	Reason string
}

func (e *ResourceError) Error() string {
	return fmt.Sprintf("invalid resource %q: %s", e.Name, e.Reason)
}

// Syntax is the field syntax in one line, for help texts and errors.
const Syntax = "NAME:TYPE[:ARG][:MODIFIER...], such as title:str, price:decimal:8,2, status:choice:draft,published or author:fk:authors"

// The patterns are compiled on first use: most runs never check a field,
// and compiling them is most of this package's start-up.
var fieldName = lazyRegexp(`^[a-z][a-z0-9_]*$`)

// lazyRegexp compiles expr when it is first used.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// reservedFieldNames are taken by every resource: its own columns, what a
// model or a serializer already defines, and the query parameters of list
// endpoints.
var reservedFieldNames = map[string]string{
	"id":                   "every resource has an id already",
	"pk":                   "Django reserves pk for the primary key",
	"created_at":           "every resource has created_at already",
	"updated_at":           "every resource has updated_at already",
	"url":                  "the API uses url for the link to each object",
	"objects":              "Django's model manager is called objects",
	"search":               "?search= is the list endpoints' search parameter",
	"ordering":             "?ordering= is the list endpoints' sort parameter",
	"page":                 "?page= is the list endpoints' page parameter",
	"format":               "?format= chooses the API's response format",
	"save":                 "it would hide the model method of that name",
	"delete":               "it would hide the model method of that name",
	"clean":                "it would hide the model method of that name",
	"clean_fields":         "it would hide the model method of that name",
	"full_clean":           "it would hide the model method of that name",
	"validate_unique":      "it would hide the model method of that name",
	"validate_constraints": "it would hide the model method of that name",
	"refresh_from_db":      "it would hide the model method of that name",
	"get_deferred_fields":  "it would hide the model method of that name",
	"serializable_value":   "it would hide the model method of that name",
	"check":                "it would hide the model method of that name",
	"from_db":              "it would hide the model method of that name",
	"asave":                "it would hide the model method of that name",
	"adelete":              "it would hide the model method of that name",
}

// pythonKeywords are the hard keywords; soft ones such as type and match
// are fine as attribute names.
var pythonKeywords = map[string]bool{
	"and": true, "as": true, "assert": true, "async": true, "await": true, "break": true,
	"class": true, "continue": true, "def": true, "del": true, "elif": true, "else": true,
	"except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true,
	"or": true, "pass": true, "raise": true, "return": true, "try": true, "while": true,
	"with": true, "yield": true,
}

// checkFieldName reports why name cannot name a field, or nil.
func checkFieldName(name string) error {
	bad := func(reason string) error { return &Error{Spec: name, Reason: reason} }
	switch {
	case name == "":
		return bad("the field name is empty; write NAME:TYPE, such as title:str")
	case strings.HasPrefix(name, "_"):
		return bad("a field name must not start with \"_\"; start with a lowercase letter")
	case !fieldName().MatchString(name):
		return bad("a field name uses lowercase letters, digits and \"_\" and starts with a letter, such as published_at")
	case strings.Contains(name, "__"):
		return bad("a field name must not contain \"__\", which Django uses in lookups such as title__icontains")
	case strings.HasSuffix(name, "_"):
		return bad("a field name must not end with \"_\"")
	case len(name) > maxFieldNameLength:
		return bad(fmt.Sprintf("the field name has %d characters; use at most %d", len(name), maxFieldNameLength))
	case pythonKeywords[name]:
		return bad(fmt.Sprintf("%s is a Python keyword; choose another field name", name))
	}
	if why, ok := reservedFieldNames[name]; ok {
		return bad(fmt.Sprintf("%s; choose another field name", why))
	}
	return nil
}

// parseField reads one field spec, such as title:str:120:unique or
// price:decimal:8,2:default=9.99. It checks the field on its own; a
// resource checks how its fields fit together.
func parseField(spec string) (Field, error) {
	parts := specParts(spec)
	f, err := parseNameAndKind(parts)
	if err == nil {
		var rest []string
		if rest, err = f.parseArgument(parts[2:]); err == nil {
			err = f.parseModifiers(rest)
		}
	}
	if err == nil {
		err = f.check()
	}
	if err != nil {
		return Field{}, withSpec(err, spec)
	}
	return f, nil
}

// specParts splits a spec at its colons. A default may hold colons, as a
// time does: it runs to the end of the spec.
func specParts(spec string) []string {
	parts := strings.Split(spec, ":")
	for i, p := range parts {
		if strings.HasPrefix(p, "default=") {
			return append(parts[:i:i], strings.Join(parts[i:], ":"))
		}
	}
	return parts
}

// badField is a reason a spec cannot be used; withSpec names the spec.
func badField(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// parseNameAndKind reads the first two parts of a spec: NAME:TYPE.
func parseNameAndKind(parts []string) (Field, error) {
	if err := checkFieldName(parts[0]); err != nil {
		return Field{}, err
	}
	if len(parts) < 2 || parts[1] == "" {
		return Field{}, badField("it has no type; write NAME:TYPE, such as %s:str (types: %s)", parts[0], kindList())
	}
	f := Field{Name: parts[0], Kind: Kind(parts[1])}
	if !slices.Contains(kinds, f.Kind) {
		return Field{}, badField("unknown type %q; use one of %s", parts[1], kindList())
	}
	return f, nil
}

// parseArgument reads the part that some types take after the type: the
// length of a str, the size of a decimal, the target of a relation. It
// returns the parts after it.
func (f *Field) parseArgument(rest []string) ([]string, error) {
	switch f.Kind {
	case Str:
		f.MaxLength = defaultMaxLength
		if len(rest) > 0 && isDigits(rest[0]) {
			n, err := strconv.Atoi(rest[0])
			if err != nil || n < 1 || n > maxCharLength {
				return nil, badField("the length of a str must be 1 to %d; use text for longer strings", maxCharLength)
			}
			f.MaxLength = n
			return rest[1:], nil
		}
	case Decimal:
		if len(rest) == 0 || !strings.Contains(rest[0], ",") {
			return nil, badField("a decimal needs its digits and decimal places, such as %s:decimal:8,2", f.Name)
		}
		if err := f.parseDecimalSize(rest[0]); err != nil {
			return nil, err
		}
		return rest[1:], nil
	case Choice:
		if len(rest) == 0 || rest[0] == "" || isModifier(rest[0]) {
			return nil, badField("a choice field needs its values, such as %s:choice:draft,published", f.Name)
		}
		if err := f.parseChoices(rest[0]); err != nil {
			return nil, err
		}
		return rest[1:], nil
	case FK, M2M:
		if len(rest) == 0 || rest[0] == "" || isModifier(rest[0]) {
			return nil, badField("an %s field needs the resource it points to, such as %s:%s:authors", f.Kind, f.Name, f.Kind)
		}
		f.Target = rest[0]
		return rest[1:], nil
	}
	return rest, nil
}

// parseDecimalSize reads a decimal's DIGITS,PLACES.
func (f *Field) parseDecimalSize(size string) error {
	digits, places, _ := strings.Cut(size, ",")
	d, err1 := strconv.Atoi(digits)
	p, err2 := strconv.Atoi(places)
	switch {
	case err1 != nil || err2 != nil || !isDigits(digits) || !isDigits(places):
		return badField("a decimal's size is two numbers, digits and decimal places, such as 8,2")
	case d < 1 || d > maxDecimalDigits:
		return badField("a decimal has 1 to %d digits, not %d", maxDecimalDigits, d)
	case p > d:
		return badField("a decimal cannot have more decimal places (%d) than digits (%d)", p, d)
	}
	f.MaxDigits, f.DecimalPlaces = d, p
	return nil
}

// parseModifiers reads the modifiers that end a spec, each at most once.
func (f *Field) parseModifiers(rest []string) error {
	seen := map[string]bool{}
	for _, m := range rest {
		key, _, _ := strings.Cut(m, "=")
		if seen[key] {
			return badField("%s is given twice", key)
		}
		seen[key] = true
		switch {
		case m == "unique":
			f.Unique = true
		case m == "null":
			f.Null = true
		case m == "index":
			f.Index = true
		case strings.HasPrefix(m, "default="):
			f.HasDefault = true
			f.Default = strings.TrimPrefix(m, "default=")
		case f.Kind == Str && isDigits(m):
			return badField("give the length right after the type, as in %s:str:%s", f.Name, m)
		case m == "":
			return badField("it has an empty part between two colons")
		default:
			return badField("unknown modifier %q; use %s", m, strings.Join(modifiers, ", "))
		}
	}
	return nil
}

// withSpec names the spec in a reason it cannot be used.
func withSpec(err error, spec string) error {
	if e, ok := err.(*Error); ok {
		return &Error{Spec: spec, Reason: e.Reason}
	}
	return &Error{Spec: spec, Reason: err.Error()}
}

func isModifier(s string) bool {
	return s == "unique" || s == "null" || s == "index" || strings.HasPrefix(s, "default=")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func kindList() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// check refuses modifiers that make no sense for the type, or that one of
// the databases cannot honour, and normalizes the default.
func (f *Field) check() error {
	switch {
	case f.Unique && f.Index:
		return fmt.Errorf("a unique field is indexed already; drop index")
	case f.Unique && (f.Kind == Text || f.Kind == JSON):
		return fmt.Errorf("a %s field cannot be unique: MariaDB and MySQL cannot index it; use str for short unique values", f.Kind)
	case f.Index && (f.Kind == Text || f.Kind == JSON):
		return fmt.Errorf("a %s field cannot be indexed: MariaDB and MySQL cannot index it; use str for short indexed values", f.Kind)
	case f.Unique && f.Kind == Bool:
		return fmt.Errorf("a bool field cannot be unique: it has only two values")
	case f.Unique && f.Kind == Choice:
		return fmt.Errorf("a choice field cannot be unique: it has only as many values as its choices")
	case f.Unique && f.Kind == FK:
		return fmt.Errorf("an fk field cannot be unique (that would be a one-to-one relation); drop unique")
	case f.Index && (f.Kind == FK || f.Kind == Slug):
		return fmt.Errorf("an %s field is indexed already; drop index", f.Kind)
	case f.Kind == M2M && (f.Unique || f.Index):
		return fmt.Errorf("an m2m field takes no unique or index; null makes it optional")
	case (f.Kind == FK || f.Kind == M2M) && f.HasDefault:
		return fmt.Errorf("an %s field takes no default", f.Kind)
	}
	if !f.HasDefault {
		return nil
	}
	d, err := canonicalDefault(*f)
	if err != nil {
		return err
	}
	f.Default = d
	return nil
}

// String spells the field as a spec that parseField reads back to the
// same field; .scaffold.yaml records fields this way.
func (f Field) String() string {
	parts := []string{f.Name, string(f.Kind)}
	switch f.Kind {
	case Str:
		if f.MaxLength != defaultMaxLength {
			parts = append(parts, strconv.Itoa(f.MaxLength))
		}
	case Decimal:
		parts = append(parts, fmt.Sprintf("%d,%d", f.MaxDigits, f.DecimalPlaces))
	case Choice:
		parts = append(parts, f.Choices)
	case FK, M2M:
		parts = append(parts, f.Target)
	}
	if f.Unique {
		parts = append(parts, "unique")
	}
	if f.Null {
		parts = append(parts, "null")
	}
	if f.Index {
		parts = append(parts, "index")
	}
	if f.HasDefault {
		parts = append(parts, "default="+f.Default)
	}
	return strings.Join(parts, ":")
}

// IsRelation tells fk and m2m fields, which point to another resource.
func (f Field) IsRelation() bool { return f.Kind == FK || f.Kind == M2M }

// isString tells the types Django stores as strings, for which "optional"
// means blank rather than NULL.
func (f Field) isString() bool {
	switch f.Kind {
	case Str, Text, Email, URL, Slug, Choice:
		return true
	}
	return false
}

// Required tells whether a client must send the field when it creates an
// object.
func (f Field) Required() bool {
	return !f.Null && !f.HasDefault && f.Kind != Bool
}

// pyFloat spells a float as Python's repr does, then as Black and Ruff
// normalize it: 1e16 rather than 1e+16.
func pyFloat(x float64) string {
	if x == 0 {
		if math.Signbit(x) {
			return "-0.0"
		}
		return "0.0"
	}
	// Shortest digits that read back to x, as repr finds them.
	s := strconv.FormatFloat(x, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		out := digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		e := fmt.Sprintf("%02d", abs(exp))
		if exp < 0 {
			e = "-" + e
		}
		return sign + out + "e" + e
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
