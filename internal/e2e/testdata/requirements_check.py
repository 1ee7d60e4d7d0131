"""Check that a project's requirements files name every third-party module it uses.

    python requirements_check.py PROJECT [--prod MODULE]... [--dev MODULE]...

The runtime that runs the e2e suite has every dependency installed, so a line
missing from requirements.txt would go unnoticed there and break only the image
build or its first request. Modules are found by reading every .py file's imports;
--prod and --dev add modules that no import names (the server, the database
driver, Celery's transport). Test code (tests/, test_*.py, conftest.py) may use
requirements-dev.txt, which includes requirements.txt; the rest must use
requirements.txt. Prints one line per missing requirement and exits 1 if any.
"""

import argparse
import ast
import importlib.metadata
import re
import sys
from pathlib import Path

# Modules whose distribution the installed metadata does not reveal (Debian's
# packages often ship neither top_level.txt nor RECORD) or that are not installed.
KNOWN = {
    "django_filters": "django-filter",
    "factory": "factory-boy",
    "MySQLdb": "mysqlclient",
    "uvicorn_worker": "uvicorn-worker",
    "drf_spectacular_sidecar": "drf-spectacular-sidecar",
    "sentry_sdk": "sentry-sdk",
    "yaml": "PyYAML",
}
SKIP_DIRS = {".git", "__pycache__", "node_modules", "staticfiles", ".venv", "venv"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(path: Path) -> set[str]:
    names: set[str] = set()
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        option, _, value = line.partition(" ")
        if option in ("-r", "--requirement"):
            names |= read_requirements(path.parent / value.strip())
        elif not line.startswith("-"):
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
            if match:
                names.add(normalize(match.group(0)))
    return names


def is_test_code(rel: Path) -> bool:
    return "tests" in rel.parts[:-1] or rel.name.startswith("test_") or rel.name == "conftest.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def distribution_of(module: str, by_package: dict[str, list[str]]) -> str | None:
    if module in by_package:
        return by_package[module][0]
    if module in KNOWN:
        return KNOWN[module]
    try:
        return importlib.metadata.distribution(module).metadata["Name"]
    except importlib.metadata.PackageNotFoundError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--prod", action="append", default=[])
    parser.add_argument("--dev", action="append", default=[])
    args = parser.parse_args()
    root = args.project

    first_party = {p.stem for p in root.glob("*.py")} | {
        p.parent.name for p in root.glob("*/__init__.py")
    }
    uses: dict[str, dict[str, str]] = {"prod": {}, "dev": {}}
    for module in args.prod:
        uses["prod"].setdefault(module, "the image's command")
    for module in args.dev:
        uses["dev"].setdefault(module, "the test command")
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIP_DIRS & set(rel.parts):
            continue
        kind = "dev" if is_test_code(rel) else "prod"
        for module in imported_modules(path):
            if module in sys.stdlib_module_names or module in first_party or module == "__future__":
                continue
            uses[kind].setdefault(module, str(rel))

    by_package = importlib.metadata.packages_distributions()
    files = {
        "prod": ("requirements.txt", read_requirements(root / "requirements.txt")),
        "dev": ("requirements-dev.txt", read_requirements(root / "requirements-dev.txt")),
    }
    problems = []
    for kind, modules in uses.items():
        name, listed = files[kind]
        for module, where in sorted(modules.items()):
            dist = distribution_of(module, by_package)
            if dist is None:
                problems.append(f"{where}: no installed distribution provides module {module!r}")
            elif normalize(dist) not in listed:
                problems.append(f"{name}: no line for {dist} (module {module!r}, used by {where})")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
