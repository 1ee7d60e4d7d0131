package generator

import (
	"fmt"
	"maps"
	"slices"

	"github.com/djscaffold/scaffold/internal/resource"
)

// Options are the answers that decide what a generated project contains.
type Options struct {
	Name     string
	Python   string
	Django   string
	Database string
	Auth     string
	Resource string // "" means no example resource
	// ResourceFields are the example resource's typed fields; none gives it
	// resource.DefaultFields.
	ResourceFields []resource.Field
	// ResourceModel is the example resource's model; "" takes the English
	// singular of its name.
	ResourceModel string
	// ResourceOwner gives each object of the example resource an owner.
	ResourceOwner bool
	// ResourceLateIndex puts the example resource's ordering index in a
	// migration of its own (resource.Resource.LateIndex).
	ResourceLateIndex bool
	// ResourceAdded are the fields added later to the example resource,
	// one batch per migration.
	ResourceAdded []resource.Batch
	// Resources are the API resources added after the example one, in the
	// order they were added.
	Resources []resource.Resource
	APIDocs   bool
	Celery    bool
	CORS      bool
	Server    string
	CI        string
	// Kubernetes adds kustomize manifests under deploy/kubernetes.
	Kubernetes bool
	// UpdateCheck adds a scheduled CI job that fails when a newer template
	// release exists.
	UpdateCheck bool
	// more holds the answers of builtin questions that have no field of
	// their own, by key.
	more map[string]any
	// Extra holds the answers to a template pack's own questions.
	Extra map[string]any
	// Owner is who runs scaffold. It is no answer: only .env records it, which
	// is outside the promise that the same answers give the same files.
	Owner Owner
	// Secrets are the ones the project already has (FindSecrets), which a
	// render uses in place of new ones; those left empty are generated.
	// They are no answers either: only the secrets files hold them.
	Secrets Secrets
}

// Owner holds the user and group ids of whoever runs scaffold. .env passes
// them to the image build, so that what the containers write into the
// bind-mounted project belongs to that user.
type Owner struct{ UID, GID int }

// fallbackID stands in for an id that is unknown (-1 on Windows, 0 when
// unset) or root's: containers must never run as root by accident.
const fallbackID = 1000

// IDs returns the ids to write, with the fallback for unknown or root ids.
func (o Owner) IDs() (uid, gid int) {
	uid, gid = o.UID, o.GID
	if uid <= 0 {
		uid = fallbackID
	}
	if gid <= 0 {
		gid = fallbackID
	}
	return uid, gid
}

// Clone returns a copy of o that shares no map with it.
func (o Options) Clone() Options {
	o.more, o.Extra = maps.Clone(o.more), maps.Clone(o.Extra)
	o.ResourceFields, o.Resources = slices.Clone(o.ResourceFields), slices.Clone(o.Resources)
	o.ResourceAdded = slices.Clone(o.ResourceAdded)
	return o
}

// DefaultOptions returns the answers a project gets when nobody says otherwise.
func DefaultOptions() Options {
	o := Options{more: map[string]any{}, Extra: map[string]any{}}
	for _, q := range questions {
		if q.Default != nil {
			q.Set(&o, q.Default)
		}
	}
	return o
}

// OptionError reports an answer that cannot be used. It is always the
// user's to fix, so callers treat it as a usage error.
type OptionError struct {
	Option string // as messages name it, such as "project name"
	Key    string // as the answers file names it, such as "name"
	Value  string
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Option, e.Value, e.Reason)
}

// Validate checks every answer, so that rendering never meets a bad value.
func (o Options) Validate() error {
	for _, q := range questions {
		if err := q.Validate(o); err != nil {
			return err
		}
	}
	for _, r := range o.Resources {
		if err := ValidateResource(r.Name); err != nil {
			return err
		}
	}
	return resource.Check(o.AllResources(), o.Database)
}

// AllResources lists the project's API resources: the example one, if
// there is one, with its fields, then the others in the order they were
// added.
func (o Options) AllResources() []resource.Resource {
	var all []resource.Resource
	if o.Resource != "" {
		fields := o.ResourceFields
		if len(fields) == 0 {
			fields = resource.DefaultFields()
		}
		all = append(all, resource.Resource{
			Name: o.Resource, Fields: fields, Model: o.ResourceModel, Owner: o.ResourceOwner,
			LateIndex: o.ResourceLateIndex, Added: o.ResourceAdded,
		})
	}
	return append(all, o.Resources...)
}

// versionAtLeast compares two "major.minor" versions.
func versionAtLeast(v, min string) bool {
	var vMaj, vMin, mMaj, mMin int
	if _, err := fmt.Sscanf(v, "%d.%d", &vMaj, &vMin); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(min, "%d.%d", &mMaj, &mMin); err != nil {
		return false
	}
	return vMaj > mMaj || (vMaj == mMaj && vMin >= mMin)
}
