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
	// argon2-cffi, for the runtime on a Python that Debian builds no _cffi_backend
	// for which loads on this machine's C library: the same C library that
	// argon2-cffi binds, libargon2, through ctypes, with the API Django's
	// Argon2PasswordHasher calls. The real one comes first on the path where it loads.
	"argon2/__init__.py":   dynArgon2Init,
	"argon2/exceptions.py": "class VerificationError(Exception):\n    pass\n\n\nclass VerifyMismatchError(VerificationError):\n    pass\n",
	"argon2/low_level.py":  dynArgon2LowLevel,
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

const dynArgon2LowLevel = `import ctypes
import ctypes.util
import enum

from argon2.exceptions import VerificationError, VerifyMismatchError

ARGON2_VERSION = 0x13
_lib = ctypes.CDLL(ctypes.util.find_library("argon2") or "libargon2.so.1")
_lib.argon2_encodedlen.restype = ctypes.c_size_t
_lib.argon2_encodedlen.argtypes = [ctypes.c_uint32] * 5 + [ctypes.c_int]
_lib.argon2_hash.argtypes = [ctypes.c_uint32] * 3 + [
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
    ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
]
_lib.argon2_verify.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
_lib.argon2_error_message.restype = ctypes.c_char_p


class Type(enum.IntEnum):
    D = 0
    I = 1  # noqa: E741
    ID = 2


def hash_secret(secret, salt, time_cost, memory_cost, parallelism, hash_len, type, version=ARGON2_VERSION):
    size = _lib.argon2_encodedlen(time_cost, memory_cost, parallelism, len(salt), hash_len, type)
    out = ctypes.create_string_buffer(size)
    rc = _lib.argon2_hash(time_cost, memory_cost, parallelism, secret, len(secret), salt, len(salt),
                          None, hash_len, out, size, type, version)
    if rc != 0:
        raise ValueError(_lib.argon2_error_message(rc).decode())
    return out.value


def verify_secret(hash, secret, type):
    rc = _lib.argon2_verify(hash, secret, len(secret), type)
    if rc == -35:  # ARGON2_VERIFY_MISMATCH
        raise VerifyMismatchError("the password does not match")
    if rc != 0:
        raise VerificationError(_lib.argon2_error_message(rc).decode())
    return True
`

const dynArgon2Init = `import base64
import dataclasses

from argon2 import exceptions, low_level

DEFAULT_RANDOM_SALT_LENGTH = 16
DEFAULT_HASH_LENGTH = 32


@dataclasses.dataclass
class Parameters:
    type: low_level.Type
    version: int
    salt_len: int
    hash_len: int
    time_cost: int
    memory_cost: int
    parallelism: int


def _b64len(text):
    return len(base64.b64decode(text + "=" * (-len(text) % 4)))


def extract_parameters(hash):
    _, name, version, params, salt, digest = hash.split("$")
    kv = dict(p.split("=") for p in params.split(","))
    return Parameters(
        type=low_level.Type[name.removeprefix("argon2").upper()],
        version=int(version.removeprefix("v=")),
        salt_len=_b64len(salt),
        hash_len=_b64len(digest),
        time_cost=int(kv["t"]),
        memory_cost=int(kv["m"]),
        parallelism=int(kv["p"]),
    )


class PasswordHasher:
    def verify(self, hash, password):
        if isinstance(hash, str):
            hash = hash.encode()
        if isinstance(password, str):
            password = password.encode()
        kind = low_level.Type[hash.split(b"$")[1].decode().removeprefix("argon2").upper()]
        return low_level.verify_secret(hash, password, kind)


__all__ = ["DEFAULT_HASH_LENGTH", "DEFAULT_RANDOM_SALT_LENGTH", "Parameters", "PasswordHasher", "exceptions",
           "extract_parameters", "low_level"]
`
