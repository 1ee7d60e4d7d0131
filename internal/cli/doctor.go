package cli

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/escape"
)

// errNotReady fails doctor when something a generated project needs is missing.
var errNotReady = errors.New("generated projects cannot run here yet; fix the checks marked ✘ above")

func newDoctorCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check that Docker, Compose v2 and git are ready to run generated projects",
		Long: `Check the programs a generated project needs: the Docker client and server
(Docker Engine ` + minDockerEngine.String() + ` or newer), and the Compose v2 plugin
(` + minCompose.String() + ` or newer). git is reported too: scaffold new runs git init
with it, but a project runs without it.

Exits 0 when Docker and Compose are ready, and 1 when they are not.`,
		Example: "  scaffold doctor",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), newTools(env), newPrinter(cmd.OutOrStdout(), env.Color, false))
		},
	}
}

// check is one line of the doctor's report.
type check struct {
	name     string
	version  string
	problem  string // empty when the check passed
	fix      string // what to do about the problem
	optional bool   // a problem here does not fail the doctor
}

func runDoctor(ctx context.Context, t tools, out printer) error {
	var (
		client, server, compose, git check
		wg                           sync.WaitGroup
	)
	wg.Go(func() { client, server = t.checkDocker(ctx) })
	wg.Go(func() { compose = t.checkCompose(ctx) })
	wg.Go(func() { git = t.checkGit(ctx) })
	wg.Wait()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}

	ready := true
	for _, c := range []check{client, server, compose, git} {
		if err := out.check(c); err != nil {
			return err
		}
		if c.problem != "" && !c.optional {
			ready = false
		}
	}
	if !ready {
		return errNotReady
	}
	return out.printf("\nReady: generated projects can run with docker compose up --build.\n")
}

const getDockerURL = "https://docs.docker.com/get-started/get-docker/"

// restartDocker is the fix for a docker that hangs, which is most often a
// Docker server that is stuck.
const restartDocker = "restart Docker Desktop, or the Docker service: sudo systemctl restart docker"

// needsClient is the problem of a check that cannot run without docker.
const needsClient = "needs the Docker client"

func (t tools) checkDocker(ctx context.Context) (client, server check) {
	client = check{name: "Docker client"}
	server = check{name: "Docker server"}
	if _, err := t.lookPath("docker"); err != nil {
		client.problem, client.fix = "not found", "install Docker Desktop, or Docker Engine: "+getDockerURL
		server.problem = needsClient
		return client, server
	}
	// The client prints its own version even when the server is out of reach.
	versions, err := t.run(ctx, "", "docker", "version", "--format", "{{.Client.Version}}|{{if .Server}}{{.Server.Version}}{{end}}")
	clientVersion, serverVersion, _ := strings.Cut(versions, "|")
	client.version, server.version = clientVersion, serverVersion
	if clientVersion == "" {
		client.problem, client.fix = "does not run: "+reason(err), "reinstall Docker: "+getDockerURL
		if errors.Is(err, errNoAnswer) {
			client.problem, client.fix = reason(err), restartDocker
		}
		server.problem = needsClient
		return client, server
	}
	if serverVersion == "" {
		server.problem = "not reachable: " + reason(err)
		server.fix = "start Docker Desktop, or the Docker service: sudo systemctl start docker"
		if strings.Contains(strings.ToLower(reason(err)), "permission denied") {
			server.fix = "let your user use Docker: sudo usermod -aG docker $USER, then log in again"
		}
		return client, server
	}
	server.checkMinimum(minDockerEngine, "update Docker Desktop, or Docker Engine: "+getDockerURL)
	return client, server
}

func (t tools) checkCompose(ctx context.Context) check {
	c := check{name: "Docker Compose"}
	if _, err := t.lookPath("docker"); err != nil {
		c.problem = needsClient
		return c
	}
	version, err := t.run(ctx, "", "docker", "compose", "version", "--short")
	c.version = strings.TrimPrefix(version, "v")
	switch {
	case errors.Is(err, errNoAnswer):
		c.problem, c.fix = reason(err), restartDocker
	case err != nil:
		c.problem = "the Compose v2 plugin is not installed"
		c.fix = "install Docker Desktop, or the Compose plugin for Docker Engine: " + installDockerURL
	case c.version == "" || strings.HasPrefix(c.version, "1."):
		c.problem = "Compose v2 is needed"
		c.fix = "install the Compose v2 plugin: " + installDockerURL
	default:
		c.checkMinimum(minCompose, "update Docker Desktop, or the Compose plugin: "+installDockerURL)
	}
	return c
}

func (t tools) checkGit(ctx context.Context) check {
	c := check{name: "git", optional: true}
	if _, err := t.lookPath("git"); err != nil {
		c.problem = "not found; scaffold new uses it to start the project's repository"
		c.fix = "install git: https://git-scm.com/downloads"
		return c
	}
	version, err := t.run(ctx, "", "git", "--version")
	switch {
	case errors.Is(err, errNoAnswer):
		c.problem = reason(err)
		return c
	case err != nil:
		c.problem = "does not run: " + reason(err)
		return c
	}
	c.version = strings.TrimPrefix(version, "git version ")
	return c
}

// reason is the gist of a failed program: the first line it wrote on stderr.
func reason(err error) string {
	if err == nil {
		return "no output"
	}
	var ee *execError
	if errors.As(err, &ee) {
		if msg := firstLine(ee.Stderr); msg != "" {
			return msg
		}
		return ee.Err.Error()
	}
	return err.Error()
}

func (p printer) check(c check) error {
	mark, value := p.style(green, "✔"), c.version
	switch {
	case c.problem != "" && c.optional:
		mark, value = p.style(yellow, "!"), c.problem
	case c.problem != "":
		mark, value = p.style(red, "✘"), c.problem
	}
	// A version is what a program printed: escaped, as anything shown is.
	if err := p.printf("%s %-15s %s\n", mark, c.name, escape.Line(value)); err != nil {
		return err
	}
	if c.problem != "" && c.fix != "" {
		return p.printf("  %-15s %s\n", "", p.style(dim, c.fix))
	}
	return nil
}
