package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/userfile"
	"github.com/djscaffold/scaffold/internal/writer"
)

// request says where the answers of a run come from. resolve reads them in
// rising order of precedence: the questions' defaults, the answers file,
// Answers and Sets (the command line), and the prompts.
type request struct {
	// Project is the folder of a project that scaffold generated, for a
	// command that works on one: its .scaffold.yaml holds the answers, and
	// the folder must exist. It is empty for a new project.
	Project string
	// Parent is the folder that a new project goes in, as Parent/NAME;
	// Force lets that folder hold files already.
	Parent string
	Force  bool
	// AnswersFile is an answers file to start from (--config).
	AnswersFile string
	// PackDir is the template pack to render (--pack). Empty means the
	// pack that the answers file records, or else the builtin templates.
	PackDir string
	// Answers answer builtin questions by key, as the flags and NAME do:
	// a string, or a bool for a yes-or-no question.
	Answers map[string]any
	// Pack is a template pack read already, such as one read from git
	// history; it takes the place of PackDir and of the recorded pack.
	Pack *pack.Pack
	// Sets answer questions by key, as KEY=VALUE (--set): a pack's, or
	// builtin ones.
	Sets []string
	// Fields type the example resource, as on the command line; none
	// keeps those of the answers file, or the default ones.
	Fields []string
	// Model names the example resource's model (--model); empty keeps the
	// answers file's, or takes the English singular of its name.
	Model string
	// Release is a release of the builtin templates to render instead of
	// the current ones, as ReleaseFlag (the flag that named it) says.
	Release, ReleaseFlag string
	// Ask asks for what nothing answered; otherwise a question without a
	// default is an error. Confirm then shows every answer and asks to go
	// on, when anything was asked.
	Ask, Confirm bool
}

// resolved is what a run renders, and where.
type resolved struct {
	Options generator.Options
	Tree    generator.Tree
	// Templates is what the answers file records of the templates.
	Templates config.Template
	Pack      *pack.Pack
	// Questions are the builtin questions, then the pack's.
	Questions []generator.Question
	// Dir is the project folder.
	Dir string
	// Recorded is the answers file that was read, if any.
	Recorded *config.File
}

// resolve gathers a run's answers, checks them once, and finds the
// templates to render them with, in named steps: the answers file, the
// pack, the command line, the questions, the checks, the folder. Every
// error a user can cause is told in one line, and a mistake in a given
// answer is reported before any question is asked.
func resolve(env *Env, req request) (resolved, error) {
	var r resolved
	a := answers{opts: generator.DefaultOptions(), from: map[string]origin{}}
	a.opts.Owner = env.Owner
	var err error
	if r.Recorded, err = req.readAnswersFile(env.Fs); err != nil {
		return r, err
	}
	if err := a.takeAnswersFile(req, r.Recorded); err != nil {
		return r, err
	}
	if r.Pack, err = req.pack(env.Fs, r.Recorded); err != nil {
		return r, err
	}
	pin, err := r.pinRelease(req)
	if err != nil {
		return r, err
	}
	r.Questions = slices.Concat(generator.Questions(), r.Pack.Questions)
	if err := a.takePack(r.Pack, r.Recorded); err != nil {
		return r, err
	}
	if err := a.takeCommandLine(req, r.Pack); err != nil {
		return r, err
	}
	asked := false
	if req.Ask {
		asked, err = interview(env, &a, r.Questions, req)
	} else {
		err = a.required(r.Pack)
	}
	if err != nil {
		return r, err
	}
	if err := a.check(r.Questions); err != nil {
		return r, err
	}
	r.Options, r.Dir = a.opts, req.dirOf(a.opts.Name)
	if err := req.checkFolder(env.Fs, r.Dir); err != nil {
		return r, err
	}
	r.Tree = r.Pack.Tree()
	if r.Templates, err = r.Pack.TemplatesFor(r.Dir, r.Recorded); err != nil {
		return r, err
	}
	pin.apply(&r)
	if asked && req.Confirm {
		return r, confirmAnswers(env, r)
	}
	return r, nil
}

// readAnswersFile reads the answers file a run starts from: the project's
// own, or --config; nil when there is none.
func (req request) readAnswersFile(fsys afero.Fs) (*config.File, error) {
	if req.Project == "" && req.AnswersFile == "" {
		return nil, nil
	}
	if req.Project == "" {
		return loadConfig(fsys, req.AnswersFile)
	}
	if err := checkProject(fsys, req.Project); err != nil {
		return nil, err
	}
	return loadProjectConfig(fsys, filepath.Join(req.Project, config.FileName))
}

// pack is the template pack a run renders: one read already, --pack, the
// one the answers file records, or else the builtin templates.
func (req request) pack(fsys afero.Fs, recorded *config.File) (*pack.Pack, error) {
	if req.Pack != nil {
		return req.Pack, nil
	}
	return loadPack(fsys, req.PackDir, recorded)
}

// dirOf is the project folder of a project with the given name.
func (req request) dirOf(name string) string {
	if req.Project != "" {
		return req.Project
	}
	return filepath.Join(req.Parent, name)
}

// takeAnswersFile takes the builtin answers and the resources of the
// answers file; a project's own must name the project.
func (a *answers) takeAnswersFile(req request, cfg *config.File) error {
	if cfg == nil {
		return nil
	}
	if err := a.read(cfg, cfg.Answers, "answers", generator.Questions(), nil); err != nil {
		return err
	}
	if err := a.readResources(cfg); err != nil {
		return err
	}
	if name, ok := cfg.Answers.Lookup("name"); req.Project != "" && (!ok || name.Value == nil) {
		return &config.Error{File: cfg.Source, Msg: "answers.name is missing; add the project's name"}
	}
	return nil
}

// takePack takes the defaults of the pack's questions, then the answers
// file's extra: section.
func (a *answers) takePack(p *pack.Pack, cfg *config.File) error {
	for _, q := range p.Questions {
		if q.Default != nil {
			q.Set(&a.opts, q.Default)
		}
	}
	if cfg == nil {
		return nil
	}
	return a.read(cfg, cfg.Extra, "extra", p.Questions, p)
}

// takeCommandLine takes the flags' answers, the FIELDs and --set.
func (a *answers) takeCommandLine(req request, p *pack.Pack) error {
	if name, ok := req.Answers["resource"]; ok && name != a.opts.Resource {
		// The answers file's model and migrations were another resource's.
		a.opts.ResourceModel, a.opts.ResourceLateIndex = "", false
	}
	a.setFlags(req.Answers)
	if req.Model != "" {
		a.opts.ResourceModel = req.Model
	}
	if len(req.Fields) > 0 {
		fields, err := resource.ParseFields(req.Fields)
		if err != nil {
			return &usageError{Err: err}
		}
		a.opts.ResourceFields = fields
	}
	return a.setPackAnswers(p, req.Sets)
}

// check checks every answer once all are in.
func (a *answers) check(questions []generator.Question) error {
	if a.opts.Name == "" {
		return usagef("missing the project NAME; run: scaffold new NAME (see scaffold new --help)")
	}
	for _, q := range questions {
		if err := q.Validate(a.opts); err != nil {
			return a.locate(q, err)
		}
	}
	if a.opts.ResourceModel != "" && a.opts.Resource == "" {
		return usagef("--model %s needs a resource; drop --no-resource or name one with --resource", a.opts.ResourceModel)
	}
	if len(a.opts.ResourceFields) > 0 && a.opts.Resource == "" {
		return usagef("fields %s need a resource; drop --no-resource or name one with --resource", strings.Join(resource.Specs(a.opts.ResourceFields), " "))
	}
	if err := a.opts.Validate(); err != nil {
		return &usageError{Err: err}
	}
	return nil
}

// checkProject refuses a folder that is not a project scaffold generated.
func checkProject(fsys afero.Fs, dir string) error {
	info, err := fsys.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("project folder %s does not exist; pass the folder of a project scaffold generated", dir)
	case err != nil:
		return fmt.Errorf("check %s: %w", dir, err)
	case !info.IsDir():
		return usagef("%s is not a folder; pass the folder of a project scaffold generated", dir)
	}
	if _, err := userfile.Lstat(fsys, filepath.Join(dir, config.FileName)); errors.Is(err, fs.ErrNotExist) {
		return usagef("%s has no %s, so scaffold cannot tell how it was generated; pass the folder of a project scaffold generated", dir, config.FileName)
	}
	return nil
}

// loadPack returns the templates a run uses: the pack in dir when it is
// set, else the pack the answers file records, else the builtin templates.
func loadPack(fsys afero.Fs, dir string, recorded *config.File) (*pack.Pack, error) {
	if dir == "" && recorded != nil && recorded.Template.Path != "" {
		return loadRecordedPack(fsys, recorded)
	}
	if dir == "" {
		return pack.Builtin(), nil
	}
	return pack.Load(fsys, dir)
}

func loadConfig(fsys afero.Fs, name string) (*config.File, error) {
	if info, err := fsys.Stat(name); err == nil && info.IsDir() {
		return nil, usagef("answers file %s is a folder; pass the %s file, such as %s", name, config.FileName, filepath.Join(name, config.FileName))
	}
	data, err := userfile.Read(fsys, name, userfile.MaxYAML)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usagef("answers file %s does not exist; check the --config path", name)
	}
	if err != nil {
		return nil, answersFileError(name, err)
	}
	return config.Parse(name, data)
}

// answers are a run's answers so far, and where each came from.
type answers struct {
	opts generator.Options
	from map[string]origin // by the question's key in the answers file
}

// origin is where an answer came from: the answers file, at a line, or
// the command line or a prompt.
type origin struct {
	file *config.File
	line int
}

// answered reports whether anything answered q, rather than its default.
func (a *answers) answered(q generator.Question) bool {
	_, ok := a.from[q.FileKey()]
	return ok
}

func (a *answers) set(q generator.Question, v any, from origin) {
	q.Set(&a.opts, v)
	a.from[q.FileKey()] = from
}

// read takes the answers of one section of an answers file, answers: or
// extra:, each of which must answer one of questions. A null answers
// nothing, as if the key were left out.
func (a *answers) read(cfg *config.File, values config.Answers, section string, questions []generator.Question, p *pack.Pack) error {
	for _, ans := range values {
		where := section + "." + ans.Key
		fail := func(msg string) error { return &config.Error{File: cfg.Source, Line: ans.Line, Msg: msg} }
		q, ok := questionByKey(questions, ans.Key)
		switch {
		case !ok && p == nil:
			return fail(fmt.Sprintf("unknown key %q; see the answers file format in scaffold's README", where))
		case !ok:
			return fail(fmt.Sprintf("%s: %s; remove it, or use the pack that asks it with --pack", where, p.Unasked(ans.Key)))
		case ans.Value == nil:
			continue
		}
		var v any
		var err error
		if q.Kind == generator.KindBool {
			v, err = ans.Bool()
		} else {
			v, err = ans.Text()
		}
		if err != nil {
			return fail(where + ": " + err.Error())
		}
		a.set(q, v, origin{file: cfg, line: ans.Line})
	}
	return nil
}

// readResources takes the typed fields of the example resource and the
// resources added after it, as the answers file records them. A field that
// cannot be read is reported at its line.
func (a *answers) readResources(cfg *config.File) error {
	bad := func(key string, err error) error {
		return &config.Error{File: cfg.Source, Line: cfg.Line(key), Msg: err.Error()}
	}
	if cfg.ResourceFields != nil {
		fields, err := resource.ParseFields(cfg.ResourceFields)
		if err != nil {
			return bad("resource_fields", err)
		}
		a.opts.ResourceFields = fields
	}
	a.opts.ResourceModel = cfg.ResourceModel
	if cfg.ResourceModel == "" && a.opts.Resource != "" {
		a.opts.ResourceModel = resource.LegacyModel(a.opts.Resource)
	}
	unindexed := cfg.Template.MadeWithoutIndexes()
	a.opts.ResourceLateIndex = a.opts.Resource != "" && (cfg.ResourceOrderingIndexIn0002 || unindexed)
	for i, r := range cfg.Resources {
		key := fmt.Sprintf("resources.%d", i)
		if err := generator.ValidateResource(r.Name); err != nil {
			return bad(key+".name", err)
		}
		fields, err := resource.ParseFields(r.Fields)
		if err != nil {
			return bad(key+".fields", err)
		}
		model := r.Model
		if model == "" {
			model = resource.LegacyModel(r.Name)
		}
		a.opts.Resources = append(a.opts.Resources, resource.Resource{
			Name: r.Name, Fields: fields, Model: model, Owner: r.Owner, LateIndex: r.OrderingIndexIn0002 || unindexed,
		})
	}
	return a.readAdded(cfg, bad)
}

// setFlags takes the answers of the command line.
func (a *answers) setFlags(values map[string]any) {
	for _, q := range generator.Questions() {
		if v, ok := values[q.Key]; ok {
			a.set(q, v, origin{})
		}
	}
}

// setPackAnswers takes --set KEY=VALUE answers. Every key must be a
// question the pack asks, or a builtin one, and every value must fit its
// question.
func (a *answers) setPackAnswers(p *pack.Pack, sets []string) error {
	for _, set := range sets {
		key, value, ok := strings.Cut(set, "=")
		if !ok || key == "" {
			return usagef("--set %q: write it as KEY=VALUE, such as --set team=payments", set)
		}
		q, ok := p.Question(key)
		if !ok {
			q, ok = generator.QuestionByKey(key)
		}
		if !ok {
			return usagef("--set %s: %s", escape.Path(key), p.Unasked(key))
		}
		v, err := q.Parse(value)
		if oe, isOption := errors.AsType[*generator.OptionError](err); isOption {
			return usagef("invalid value %q for --set %s: %s", value, escape.Path(key), oe.Reason)
		} else if err != nil {
			return &usageError{Err: err}
		}
		a.set(q, v, origin{})
	}
	return nil
}

// required refuses a pack question that nothing answered and that has no
// default, when there is no asking.
func (a *answers) required(p *pack.Pack) error {
	for _, q := range p.Questions {
		if q.Default == nil && !a.answered(q) {
			return usagef("%s asks %q, which has no default; answer it with --set %s=VALUE", p.Describe(), q.Key, q.Key)
		}
	}
	return nil
}

// locate tells an invalid answer as the mistake of whoever gave it: a line
// of the answers file, or the command line.
func (a *answers) locate(q generator.Question, err error) error {
	if from := a.from[q.FileKey()]; from.file != nil {
		return &config.Error{File: from.file.Source, Line: from.line, Msg: err.Error()}
	}
	return &usageError{Err: err}
}

func questionByKey(questions []generator.Question, key string) (generator.Question, bool) {
	for _, q := range questions {
		if q.Key == key {
			return q, true
		}
	}
	return generator.Question{}, false
}

// folderTakenError refuses a typed name whose folder already holds files.
// Unlike the error of a run, it does not suggest --force, which is no help
// halfway through the questions.
type folderTakenError struct{ dir string }

func (e *folderTakenError) Error() string {
	return e.dir + " already holds files; choose another name"
}

func (e *folderTakenError) Unwrap() error { return writer.ErrTargetNotEmpty }

// readAdded takes the fields added later to the resources, each batch to
// its resource, in the order they were added.
func (a *answers) readAdded(cfg *config.File, bad func(string, error) error) error {
	for i, added := range cfg.Added {
		key := fmt.Sprintf("added.%d", i)
		fields, err := resource.ParseFields(added.Fields)
		if err == nil && len(fields) == 0 {
			err = errors.New("no fields; remove the entry")
		}
		if err != nil {
			return bad(key+".fields", err)
		}
		batch := resource.Batch{Fields: fields, Order: i}
		switch j := slices.IndexFunc(a.opts.Resources, func(r resource.Resource) bool { return r.Name == added.Resource }); {
		case added.Resource != "" && added.Resource == a.opts.Resource:
			a.opts.ResourceAdded = append(a.opts.ResourceAdded, batch)
		case j >= 0:
			a.opts.Resources[j].Added = append(a.opts.Resources[j].Added, batch)
		default:
			return bad(key+".resource", fmt.Errorf("%q is not a resource of this project; remove the entry", added.Resource))
		}
	}
	return nil
}
