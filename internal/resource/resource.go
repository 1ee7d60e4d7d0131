package resource

import (
	"fmt"
	"slices"
	"strings"
)

// Resource is one API resource of a project: a Django app with one model,
// served at /api/NAME/.
type Resource struct {
	Name   string
	Fields []Field
	// Model is the model's class name; "" takes the English singular of
	// the name (Singular). A recorded resource always has the one it was
	// generated with (see LegacyModel).
	Model string
	// Owner gives each object an owner, the user who created it, who alone
	// sees and changes it.
	Owner bool
	// LateIndex puts the index of the list's ordering in a migration of its
	// own, after the initial one: the resource's table was made by release
	// 1.2.0 or earlier, whose initial migration had no index, and a
	// database that applied it must still get one.
	LateIndex bool
	// Added are the fields added after the resource, by `scaffold add
	// field`, one batch per migration, in the order they were added.
	Added []Batch
}

// Batch is the fields that one `scaffold add field` added to a resource.
type Batch struct {
	Fields []Field
	// Order is the batch's place among the batches of every resource of
	// the project, which tells which migrations of the resources it points
	// to existed when it was added.
	Order int
}

// AllFields lists the resource's fields: the first ones, then those added
// later, in the order they were added.
func (r Resource) AllFields() []Field {
	all := slices.Clone(r.Fields)
	for _, batch := range r.Added {
		all = append(all, batch.Fields...)
	}
	return all
}

// DefaultSpecs are the fields of a resource that names none, such as the
// example resource of a new project.
var DefaultSpecs = []string{"name:str:200", "description:text:null"}

// DefaultFields returns the fields of a resource that names none.
func DefaultFields() []Field {
	fields, err := ParseFields(DefaultSpecs)
	if err != nil {
		panic(err) // DefaultSpecs are constants, checked by the tests
	}
	return fields
}

// ParseFields reads field specs and checks that they fit together: no name
// twice, and no field hiding the column of another.
func ParseFields(specs []string) ([]Field, error) {
	fields := make([]Field, 0, len(specs))
	byName := map[string]bool{}
	for _, spec := range specs {
		f, err := parseField(spec)
		if err != nil {
			return nil, err
		}
		if byName[f.Name] {
			return nil, &Error{Spec: spec, Reason: fmt.Sprintf("there is already a field named %s", f.Name)}
		}
		byName[f.Name] = true
		fields = append(fields, f)
	}
	for _, f := range fields {
		if f.Kind == FK && byName[f.Name+"_id"] {
			return nil, &Error{Spec: f.Name + "_id", Reason: fmt.Sprintf("the fk field %s keeps its key in a column named %s_id; choose another name", f.Name, f.Name)}
		}
	}
	if err := checkChoiceClasses(fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// Specs spells the fields as ParseFields reads them.
func Specs(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.String()
	}
	return out
}

// Names of the Django app and model of a resource.
type Names struct {
	Name          string // package, app label and URL segment: blog_posts
	Model         string // model class: BlogPost
	Verbose       string // blog post
	VerbosePlural string // blog posts
}

// namesOf derives a resource's model and human names from its name, the
// model taking the English singular of the name.
func namesOf(resource string) Names {
	if resource == "" {
		return Names{}
	}
	return namesFrom(resource, Singular(resource))
}

func namesFrom(resource, one string) Names {
	return Names{
		Name:          resource,
		Model:         camel(one),
		Verbose:       strings.ReplaceAll(one, "_", " "),
		VerbosePlural: strings.ReplaceAll(resource, "_", " "),
	}
}

// Names are the resource's names: its model is Model when it names one.
// A model that the name's singular gives, now or by the rule of release
// 1.2.0 and earlier, keeps the human names that come with it; another
// model is named in words as Django names it (BlogEntry: blog entry).
func (r Resource) Names() Names {
	n := namesOf(r.Name)
	if r.Model == "" || r.Model == n.Model {
		return n
	}
	if legacy := namesFrom(r.Name, legacySingular(r.Name)); legacy.Model == r.Model {
		return legacy
	}
	n.Model, n.Verbose = r.Model, camelToWords(r.Model)
	return n
}

// Label is the model's label in lowercase, as migrations name it: books.book.
func (n Names) Label() string { return n.Name + "." + strings.ToLower(n.Model) }

// LegacyModel is the model that scaffold 1.2.0 and earlier gave a resource,
// which took off a plural's s by a few rules (news: New, people: People).
// An answers file that records no model for a resource was written by
// them, so its resources keep these models: a model renamed by an update
// would need a migration that scaffold does not write.
func LegacyModel(resource string) string { return camel(legacySingular(resource)) }

// legacySingular is the singular of release 1.2.0 and earlier.
func legacySingular(word string) string {
	switch {
	case strings.HasSuffix(word, "ies") && len(word) > 3:
		return strings.TrimSuffix(word, "ies") + "y"
	case strings.HasSuffix(word, "sses"), strings.HasSuffix(word, "xes"),
		strings.HasSuffix(word, "ches"), strings.HasSuffix(word, "shes"):
		return strings.TrimSuffix(word, "es")
	case strings.HasSuffix(word, "ss"), strings.HasSuffix(word, "us"), strings.HasSuffix(word, "is"):
		return word
	case strings.HasSuffix(word, "s") && len(word) > 1:
		return strings.TrimSuffix(word, "s")
	}
	return word
}

// camelToWords names a class in lowercase words, as Django's verbose_name
// does: BlogEntry is "blog entry", HTTPLog "http log".
func camelToWords(class string) string {
	var b strings.Builder
	r := []rune(class)
	for i, c := range r {
		upper := c >= 'A' && c <= 'Z'
		if upper && i > 0 {
			prevLower := r[i-1] >= 'a' && r[i-1] <= 'z'
			nextLower := i+1 < len(r) && r[i+1] >= 'a' && r[i+1] <= 'z'
			if prevLower || nextLower {
				b.WriteByte(' ')
			}
		}
		b.WriteRune(c)
	}
	return strings.ToLower(strings.TrimSpace(b.String()))
}

func camel(snake string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(snake, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// Database names the database engines the checks know about, as the
// project's database answer spells them.
const (
	Postgres = "postgres"
	MySQL    = "mysql"
	SQLite   = "sqlite"
)

// Check checks the resources of a project, in the order they were added:
// each relation must point to a resource of the project, no two resources
// may share a name or a model, and each field must be valid on the
// project's database. Resource names themselves are checked by the caller,
// which knows the project's other modules.
func Check(resources []Resource, database string) error {
	byName := map[string]int{}
	models := map[string]string{}
	for i, r := range resources {
		if _, ok := byName[r.Name]; ok {
			return &ResourceError{Name: r.Name, Reason: "the project has a resource of that name already; choose another name"}
		}
		if r.Model != "" {
			if err := ValidateModel(r.Name, r.Model); err != nil {
				return err
			}
		}
		model := r.Names().Model
		if other, ok := models[model]; ok {
			return &ResourceError{Name: r.Name, Reason: fmt.Sprintf("its model would be %s, the model of %s already; choose another name, or another model with --model", model, other)}
		}
		byName[r.Name] = i
		models[model] = r.Name
		if len(r.Fields) == 0 {
			return &ResourceError{Name: r.Name, Reason: "it has no fields"}
		}
		if err := checkColumns(r, database); err != nil {
			return err
		}
		for j, f := range r.AllFields() {
			if err := checkOnDatabase(f, database); err != nil {
				return err
			}
			if !f.IsRelation() {
				continue
			}
			if f.Target == r.Name {
				if !f.Null {
					return &Error{Spec: f.String(), Reason: fmt.Sprintf("a relation from %s to itself must be optional, or no first %s could be created; add :null", r.Name, r.Names().Verbose)}
				}
				continue
			}
			if j >= len(r.Fields) {
				// A field added later, in a migration of its own, may point
				// to any resource of the project, one added after it too.
				if !slices.ContainsFunc(resources, func(o Resource) bool { return o.Name == f.Target }) {
					return &Error{Spec: f.String(), Reason: fmt.Sprintf("%s is not a resource of this project%s", f.Target, known(resources))}
				}
				continue
			}
			if _, ok := byName[f.Target]; !ok {
				return &Error{Spec: f.String(), Reason: fmt.Sprintf("%s is not a resource of this project%s", f.Target, known(resources[:i]))}
			}
		}
	}
	_, err := relatedNames(resources)
	return err
}

func known(resources []Resource) string {
	if len(resources) == 0 {
		return "; it has none yet, so add the resource it points to first"
	}
	names := make([]string, len(resources))
	for i, r := range resources {
		names[i] = r.Name
	}
	return "; it has " + strings.Join(names, ", ")
}

func checkOnDatabase(f Field, database string) error {
	if database == MySQL && f.Kind == Str && (f.Unique || f.Index) && f.MaxLength > mysqlIndexedCharLength {
		return &Error{Spec: f.String(), Reason: fmt.Sprintf("on MariaDB and MySQL a unique or indexed str holds at most %d characters", mysqlIndexedCharLength)}
	}
	return nil
}

// maxColumns is the most columns a table holds on each database, as its
// documentation states: SQLite's SQLITE_MAX_COLUMN as built by default,
// PostgreSQL's MaxHeapAttributeNumber, and for MySQL and MariaDB the
// limit of InnoDB, the engine of every table Django creates there (the
// server's own 4096 is never reached). A row of at most 65,535 bytes,
// which a table of wide str fields meets first, is the server's to report.
var maxColumns = map[string]struct {
	n  int
	db string
}{
	SQLite:   {2000, "SQLite"},
	Postgres: {1600, "PostgreSQL"},
	MySQL:    {1017, "MySQL and MariaDB (InnoDB)"},
}

// implicitColumns are the columns every resource's table has: id,
// created_at and updated_at.
const implicitColumns = 3

// checkColumns refuses a resource whose table would have more columns than
// the database holds, which migrate would find only when it runs. Each
// field is a column, a foreign key too; a many-to-many field is a table of
// its own.
func checkColumns(r Resource, database string) error {
	limit, ok := maxColumns[database]
	if !ok {
		return nil
	}
	n := implicitColumns
	for _, f := range r.AllFields() {
		if f.Kind != M2M {
			n++
		}
	}
	if n <= limit.n {
		return nil
	}
	return &ResourceError{Name: r.Name, Reason: fmt.Sprintf(
		"its table would have %d columns (id, created_at, updated_at and one for each field but m2m), more than %s's limit of %d; split it into resources related by fk",
		n, limit.db, limit.n)}
}

// relatedNames chooses the name of the way back from each relation's
// target, such as author.books for Book.author, so that no two clash with
// each other or with a field of the target. Resources are only ever added,
// so earlier choices never change.
func relatedNames(resources []Resource) (map[[2]string]string, error) {
	fields := map[string]map[string]bool{} // resource -> names taken on its model
	for _, r := range resources {
		taken := map[string]bool{}
		for _, f := range r.AllFields() {
			taken[f.Name] = true
			if f.Kind == FK {
				taken[f.Name+"_id"] = true
			}
		}
		fields[r.Name] = taken
	}
	out := map[[2]string]string{}
	for _, r := range resources {
		// Fields added later count apart from the first ones, batch by
		// batch, so that a relation added later never renames the way back
		// of one that a migration already holds.
		groups := [][]Field{r.Fields}
		for _, b := range r.Added {
			groups = append(groups, b.Fields)
		}
		perTarget := map[[2]string]int{}
		for g, group := range groups {
			for _, f := range group {
				if f.IsRelation() && !f.selfSymmetric(r.Name) {
					perTarget[[2]string{fmt.Sprint(g), f.Target}]++
				}
			}
		}
		for g, group := range groups {
			for _, f := range group {
				if err := chooseRelated(r, f, perTarget[[2]string{fmt.Sprint(g), f.Target}], fields, out); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// chooseRelated names the way back of one relation of r, which shares its
// target with n-1 others of its group.
func chooseRelated(r Resource, f Field, n int, fields map[string]map[string]bool, out map[[2]string]string) error {
	if !f.IsRelation() || f.selfSymmetric(r.Name) {
		return nil
	}
	candidates := []string{r.Name, f.Name + "_" + r.Name}
	if n > 1 {
		candidates = candidates[1:]
	}
	taken := fields[f.Target]
	chosen := ""
	for _, c := range candidates {
		if !taken[c] && !reservedReverse[c] {
			chosen = c
			break
		}
	}
	if chosen == "" {
		return &Error{Spec: f.String(), Reason: fmt.Sprintf("%s already has a field named %s, which the way back from %s.%s needs; rename the field", f.Target, candidates[len(candidates)-1], r.Name, f.Name)}
	}
	taken[chosen] = true
	out[[2]string{r.Name, f.Name}] = chosen
	return nil
}

// reservedReverse are attribute names of every model that a way back must
// not hide.
var reservedReverse = map[string]bool{"id": true, "pk": true, "objects": true, "created_at": true, "updated_at": true}

// selfSymmetric tells an m2m field to its own resource: Django makes such a
// relation symmetrical (a friend's friend list holds the friend back), and it
// has no way back of its own to name.
func (f Field) selfSymmetric(resource string) bool {
	return f.Kind == M2M && f.Target == resource
}
