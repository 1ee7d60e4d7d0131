package e2e

import (
	"os"
	"path/filepath"
)

// Debian builds some of the generated requirements for neither runtime, or not
// in a version that loads there. The suite puts a stand-in for each beside the
// project, on PYTHONPATH, so that the project runs as it would with the real one.
var dynStandins = map[string]string{
	// uvicorn-worker is exactly these classes, moved out of uvicorn.
	"uvicorn_worker.py": "from uvicorn.workers import UvicornH11Worker, UvicornWorker  # noqa: F401\n",
	// drf-spectacular-sidecar is a Django app of Swagger UI's files; the suite
	// checks that they are collected and served, not what they do in a browser.
	"drf_spectacular_sidecar/__init__.py":                                                                    "",
	"drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css":                  "/* stand-in */\n",
	"drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js":            "/* stand-in */\n",
	"drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js": "/* stand-in */\n",
	"drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png":               "stand-in\n",
	"drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist/oauth2-redirect.html":            "<!-- stand-in -->\n",
	// pytest-cov: Debian's does not load with Debian's coverage on these Pythons.
	// The stand-in takes the options of the project's addopts and measures nothing.
	dynCovStandin + ".py": `def pytest_addoption(parser):
    group = parser.getgroup("cov")
    group.addoption("--cov", action="append", nargs="?", const=True, default=[])
    group.addoption("--cov-report", action="append", default=[])
`,
}

// dynCovStandin is the stand-in plugin's module, which pytest loads with -p.
const dynCovStandin = "scaffold_e2e_cov"

// dynPytestArgs load the pytest-cov stand-in instead of the runtime's plugin.
var dynPytestArgs = []string{"-p", "no:pytest_cov", "-p", dynCovStandin}

// writeStandins writes the stand-ins into dir and returns it.
func writeStandins(dir string) (string, error) {
	for name, body := range dynStandins {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}
