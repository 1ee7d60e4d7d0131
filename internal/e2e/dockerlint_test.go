package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// lintPlatform stands in for the build daemon's platform so results do not
// depend on the machine running the tests.
var lintPlatform = ocispecs.Platform{OS: "linux", Architecture: "amd64"}

// lintDockerfile runs the checks of `docker build --check` on src and returns
// each finding in the short form docker prints: "Rule: detail (line N)".
// A Dockerfile that BuildKit cannot even parse yields one "error: ..." finding,
// so an empty result means the Dockerfile is clean. CopyIgnoredFile needs the
// build context, which lint alone does not have; dockerignoreProblems covers it.
func lintDockerfile(t testing.TB, src []byte) []string {
	t.Helper()
	return lintDockerfileWith(t, src, &offlineResolver{})
}

func lintDockerfileWith(t testing.TB, src []byte, resolver *offlineResolver) []string {
	t.Helper()
	ctx := t.Context()

	// dockerui marshals the local source the Dockerfile came from and hangs it
	// on the source map; AddSource dereferences that definition.
	local := llb.Local(dockerui.DefaultLocalNameDockerfile)
	def, err := local.Marshal(ctx)
	if err != nil {
		t.Fatalf("marshal dockerfile source: %v", err)
	}
	smap := llb.NewSourceMap(&local, dockerui.DefaultDockerfileName, "Dockerfile", src)
	smap.Definition = def

	res, err := dockerfile2llb.DockerfileLint(ctx, src, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildPlatforms: []ocispecs.Platform{lintPlatform}},
		SourceMap:    smap,
		MetaResolver: resolver,
	})
	if err != nil {
		t.Fatalf("dockerfile lint: %v", err)
	}

	var findings []string
	// A check directive could silence the very rules this is meant to enforce.
	if v, _, _, ok := parser.ParseDirective("check", src); ok {
		if cfg, err := linter.ParseLintOptions(v); err != nil || cfg.SkipAll || len(cfg.SkipRules) > 0 {
			findings = append(findings, fmt.Sprintf("error: check directive %q skips rules", v))
		}
	}
	for _, w := range res.Warnings {
		findings = append(findings, linter.LintFormatShort(w.RuleName, w.Detail, firstLine(w.Location)))
	}
	if e := res.Error; e != nil {
		findings = append(findings, linter.LintFormatShort("error", e.Message, firstLine(&e.Location)))
	}
	return findings
}

func firstLine(loc *pb.Location) int {
	if loc == nil || len(loc.Ranges) == 0 {
		return 0
	}
	return int(loc.Ranges[0].GetStart().GetLine())
}

// offlineResolver answers base-image lookups from memory. Lint needs a base
// image's config (its Env decides whether $PATH is defined, its platform is
// compared with the target) but never its layers, so a fixed, plausible
// config keeps the check hermetic and fast.
type offlineResolver struct {
	mu   sync.Mutex
	refs []string
}

var _ llb.ImageMetaResolver = (*offlineResolver)(nil)

func (r *offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	r.mu.Lock()
	r.refs = append(r.refs, ref)
	r.mu.Unlock()

	platform := lintPlatform
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		platform = *opt.ImageOpt.Platform
	}
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if v, ok := pythonImageVersion(ref); ok {
		env = []string{
			"PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"LANG=C.UTF-8",
			"GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305",
			"PYTHON_VERSION=" + v,
		}
	}
	img := ocispecs.Image{
		Platform: ocispecs.Platform{OS: platform.OS, Architecture: platform.Architecture, Variant: platform.Variant},
		Config:   ocispecs.ImageConfig{Env: env, Cmd: []string{"/bin/sh"}},
		// A config without layers would make BuildKit treat the image as scratch.
		RootFS: ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString("layer:" + ref)}},
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(dt), dt, nil
}

func (r *offlineResolver) resolved() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.refs...)
}

// pythonImageVersion turns the tag of an official python image into the full
// version its PYTHON_VERSION variable would hold, e.g. 3.13-slim -> 3.13.0.
func pythonImageVersion(ref string) (string, bool) {
	name, tag, ok := strings.Cut(ref, ":")
	if !ok {
		return "", false
	}
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "library/")
	if name != "python" {
		return "", false
	}
	v, _, _ := strings.Cut(tag, "-")
	if strings.Count(v, ".") == 1 {
		v += ".0"
	}
	return v, true
}
