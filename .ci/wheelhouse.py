#!/usr/bin/env python3
"""Makes a PEP 503 package index (a simple/ folder of wheels) from Debian's builds.

Used by .ci/docker-e2e, where pip has no PyPI: the generated Dockerfile installs the
project's requirements from this index, served on 127.0.0.1.

    wheelhouse.py --out DIR --python 3.13 --compiled-world trixie \
        --world sid=APTOPTS --world trixie=APTOPTS [--world experimental=APTOPTS] \
        REQUIREMENT...

Each --world names a private apt configuration (a file of apt options, one a line)
that can `apt-get download`. A requirement is a PyPI name with an optional ==version
(as in requirements.txt); its dependencies come from the Requires-Dist of the
metadata that Debian ships, like pip reads them, with the target Python's markers.

Pure-Python packages come from the first world that has the version asked for (or the
newest); packages with compiled parts come only from --compiled-world, whose Python is
the stand-in image's, so that their ABI matches. A wheel is the package's
dist-packages files and its dist-info; files that Debian replaced by symlinks into other
packages (JavaScript, fonts) are copied from those packages.

A few PyPI distributions have no Debian package; they are made here and listed in
DIR/substitutes.txt:
  psycopg-binary  an empty wheel: psycopg then uses its pure-Python implementation
                  over libpq5, which the stand-in image has
  uvicorn-worker  uvicorn's own worker classes (the distribution is those classes,
                  moved out of uvicorn)
  ruff            Debian's ruff binary if the world has it, else an empty wheel
  drf-spectacular-sidecar
                  the Django app with Swagger UI's real files from npm's
                  swagger-ui-dist (--swagger-ui DIR, the package's folder), as the
                  sidecar ships them, and an empty ReDoc file (not in Debian, nor
                  used by the generated projects)
"""

import argparse
import base64
import email.parser
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

# PyPI distribution -> Debian binary package, where the usual python3-<name> is wrong.
DEBIAN_NAMES = {
    "argon2-cffi": "python3-argon2",
    "django-filter": "python3-django-filters",
    "drf-spectacular": "python3-djangorestframework-spectacular",
    "mysqlclient": "python3-mysqldb",
    "pyjwt": "python3-jwt",
    "pyyaml": "python3-yaml",
    "python-dateutil": "python3-dateutil",
    "attrs": "python3-attr",
    "prompt-toolkit": "python3-prompt-toolkit",
    "faker": "python3-fake-factory",
}
# Distributions that Debian splits in two: the compiled part, from the compiled world
# at the same version, joins the wheel (cffi's _cffi_backend, which every cffi
# extension loads).
COMPANIONS = {"python3-cffi": "python3-cffi-backend"}
# Compiled parts that their package only uses when they load.
# coverage: its C tracer (without it, coverage measures with Python's own hooks).
OPTIONAL_COMPILED = {"pyyaml", "billiard", "charset-normalizer", "markupsafe", "msgpack", "wrapt", "coverage"}

log_lines = []


def log(msg):
    print(f"[wheelhouse] {msg}", file=sys.stderr)


class World:
    def __init__(self, name, optsfile):
        self.name = name
        with open(optsfile) as f:
            self.opts = [line.rstrip("\n") for line in f if line.strip()]
        self.records = None

    FIELDS = ("Package", "Version", "Architecture", "Section", "Depends", "Pre-Depends", "Recommends")

    def show(self, pkg):
        """The package's record in the world's lists (one suite: one version each)."""
        if self.records is None:
            self.records = {}
            lists = next(o.split("=", 1)[1] for o in self.opts if o.startswith("-oDir::State::Lists="))
            for f in os.listdir(lists):
                if re.search(r"_Packages(\.[a-z0-9]+)?$", f):
                    self.read_list(os.path.join(lists, f))
        return self.records.get(pkg)

    def read_list(self, path):
        # apt may keep its lists compressed; its helper reads every format it writes.
        text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True,
                              capture_output=True).stdout.decode("utf-8", "replace")
        for stanza in text.split("\n\n"):
            rec, key = {}, None
            for line in stanza.splitlines():
                if line[:1] in (" ", "\t"):
                    if key in rec:
                        rec[key] += "\n" + line
                    continue
                key, _, val = line.partition(":")
                if key in self.FIELDS:
                    rec[key] = val.strip()
            name = rec.get("Package")
            if name and (name not in self.records or
                         subprocess.run(["dpkg", "--compare-versions", rec["Version"], "gt",
                                         self.records[name]["Version"]]).returncode == 0):
                self.records[name] = rec

    def download(self, pkg, version, dest):
        subprocess.run(["apt-get", *self.opts, "-q", "download", f"{pkg}={version}"], cwd=dest,
                       check=True, stdout=subprocess.DEVNULL)
        arch = self.show(pkg)["Architecture"]
        return os.path.join(dest, f"{pkg}_{version.replace(':', '%3a')}_{arch}.deb")


def upstream(debver):
    v = debver.split(":", 1)[-1]
    v = re.sub(r"-[^-]*$", "", v)
    return re.sub(r"[+~](dfsg|ds|repack)\d*.*$", "", v)


def version_key(v):
    try:
        return Version(v)
    except Exception:
        return Version("0")


def satisfies(version, spec):
    try:
        return SpecifierSet(str(spec)).contains(Version(version), prereleases=True)
    except Exception:
        return True


def same_series(version, pin):
    """5.2.8 is in the series of the pin 5.2.18: same major and minor."""
    try:
        a, b = Version(version).release, Version(pin).release
    except Exception:
        return False
    return a[:2] == b[:2]


class Builder:
    def __init__(self, args):
        self.out = args.out
        self.py = args.python
        self.abi = "cp" + self.py.replace(".", "")
        self.worlds = [World(*w.split("=", 1)) for w in args.world]
        self.compiled = next(w for w in self.worlds if w.name == args.compiled_world)
        self.debs = args.debs
        self.swagger_ui = args.swagger_ui
        self.env = {"python_version": self.py, "python_full_version": self.py + ".0",
                    "implementation_name": "cpython", "platform_python_implementation": "CPython",
                    "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                    "platform_machine": "x86_64"}
        self.done = {}  # canonical name -> version of the wheel made
        self.wanted = {}  # canonical name -> pin asked for
        self.substitutes = []
        self.notes = []
        self.reqs_of = {}
        self.edges = []  # (distribution, version, its requirements), one per wheel
        self.versions = {}  # distribution -> versions in the index
        self.missing = []
        self.extras_done = set()

    def debian_name(self, name):
        return DEBIAN_NAMES.get(name, "python3-" + name)

    def pick(self, name, pin, spec=None):
        """The Debian package for a distribution: world and record.

        A pinned distribution takes the pin's version, else a build of the pin's
        series, else the newest.
        Another takes the compiled world's build when it satisfies what asked for it,
        since that world is consistent with the compiled packages; else the newest.
        """
        pkg = self.debian_name(name)
        worlds = [self.compiled] + [w for w in self.worlds if w is not self.compiled]
        found = [(w, w.show(pkg)) for w in worlds]
        found = [(w, r) for w, r in found if r]
        if not found:
            return None, None
        compiled = [(w, r) for w, r in found if r.get("Architecture") != "all"]
        if compiled and name not in OPTIONAL_COMPILED:
            return next(((w, r) for w, r in found if w is self.compiled), (None, None))
        pure = [(w, r) for w, r in found if r.get("Architecture") == "all"] or found
        if pin:
            for w, r in pure:
                if upstream(r["Version"]) == pin:
                    return w, r
            for w, r in pure:
                if same_series(upstream(r["Version"]), pin):
                    return w, r
        elif spec:
            for w, r in pure:
                if satisfies(upstream(r["Version"]), spec):
                    return w, r
        elif pure[0][0] is self.compiled:
            return pure[0]
        return max(pure, key=lambda wr: version_key(upstream(wr[1]["Version"])))

    def add(self, req):
        name = canonicalize_name(req.name)
        if name not in self.done:
            self.done[name] = None
            self.reqs_of[name] = self.build(name, req)
            self.edges.append((name, self.done[name], self.reqs_of[name]))
            for dep in self.reqs_of[name]:
                if dep.marker is None or dep.marker.evaluate(dict(self.env, extra="")):
                    self.add(dep)
        elif self.done[name] and req.specifier and not any(satisfies(v, req.specifier) for v in self.versions[name]):
            # Another dependent needs another version: the index gets both, pip picks.
            world, rec = self.pick(name, None, req.specifier)
            if rec and satisfies(upstream(rec["Version"]), req.specifier):
                self.add_version(name, world, rec)
        for extra in sorted(req.extras):
            if (name, extra) in self.extras_done:
                continue
            self.extras_done.add((name, extra))
            for dep in self.reqs_of.get(name, []):
                if dep.marker is not None and dep.marker.evaluate(dict(self.env, extra=extra)):
                    self.add(dep)

    def add_version(self, name, world, rec):
        """One more version of a distribution that the index has already."""
        metadata, reqs = self.wheel_from_deb(name, world, rec)
        self.edges.append((name, metadata["Version"], reqs))
        for dep in reqs:
            if dep.marker is None or dep.marker.evaluate(dict(self.env, extra="")):
                self.add(dep)

    def build(self, name, req):
        """Makes the distribution's wheel; returns its requirements."""
        pins = [s.version for s in req.specifier if s.operator == "=="]
        if pins:
            self.wanted.setdefault(name, pins[0])
        if name == "psycopg-binary":
            self.empty_wheel(name, self.wanted.get(name) or "0",
                             "empty: psycopg uses its pure-Python implementation over the image's libpq5")
            return []
        if name == "uvicorn-worker":
            return self.shim_uvicorn_worker()
        if name == "tzdata":
            return self.tzdata_wheel()
        if name == "drf-spectacular-sidecar":
            return self.sidecar_wheel()
        if name == "ruff" and not self.compiled.show("ruff"):
            self.empty_wheel(name, self.wanted.get(name) or "0", f"empty: {self.compiled.name} has no ruff package")
            return []
        pin = self.wanted.get(name)
        world, rec = (self.compiled, self.compiled.show("ruff")) if name == "ruff" else self.pick(name, pin, req.specifier)
        if rec is None:
            self.missing.append(f"{req.name} (looked for {self.debian_name(name)} in "
                                f"{', '.join(w.name for w in self.worlds)})")
            return []
        metadata, reqs = self.wheel_from_deb(name, world, rec)
        self.done[name] = metadata["Version"]
        return reqs

    def wheel_from_deb(self, name, world, rec):
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "root")
            os.mkdir(root)
            for pkg, w, r in self.with_assets(world, rec) + self.companions(rec):
                deb = self.fetch(w, pkg, r["Version"])
                subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
            return self.make_wheel(name, world, rec, root)

    def with_assets(self, world, rec):
        """The package, and the packages its symlinks point into (JavaScript, fonts)."""
        out = [(rec["Package"], world, rec)]
        fields = ("Depends", "Pre-Depends", "Recommends")
        for group in ",".join(rec.get(f, "") for f in fields).split(","):
            dep = group.split("|")[0].strip().split(" ")[0].split(":")[0]
            if not dep or dep.startswith("python3"):
                continue
            for w in [world] + self.worlds:
                r = w.show(dep)
                if r and r.get("Architecture") == "all" and r.get("Section") in ("javascript", "fonts", "web"):
                    out.append((dep, w, r))
                    break
        return out

    def companions(self, rec):
        if rec["Package"] not in COMPANIONS:
            return []
        pkg = COMPANIONS[rec["Package"]]
        r = self.compiled.show(pkg)
        if r is None or r["Version"] != rec["Version"]:
            sys.exit(f"wheelhouse: {rec['Package']} {rec['Version']} needs {pkg} at the same version from "
                     f"{self.compiled.name}, which has {r['Version'] if r else 'none'}")
        return [(pkg, self.compiled, r)]

    def fetch(self, world, pkg, version):
        os.makedirs(self.debs, exist_ok=True)
        arch = world.show(pkg)["Architecture"]
        path = os.path.join(self.debs, f"{pkg}_{version.replace(':', '%3a')}_{arch}.deb")
        if not os.path.exists(path):
            world.download(pkg, version, self.debs)
        return path

    def make_wheel(self, name, world, rec, root):
        sp = os.path.join(root, "usr/lib/python3/dist-packages")
        infos = [d for d in os.listdir(sp) if d.endswith((".dist-info", ".egg-info"))] if os.path.isdir(sp) else []
        if name == "ruff":
            metadata = {"Name": "ruff", "Version": upstream(rec["Version"])}
            meta_text = f"Metadata-Version: 2.1\nName: ruff\nVersion: {metadata['Version']}\n"
            files = {}
            scripts = {"ruff": os.path.join(root, "usr/bin/ruff")}
            reqs = []
        else:
            mine = [d for d in infos if canonicalize_name(re.split(r"-\d", d, maxsplit=1)[0]) == name]
            if len(mine) != 1:
                sys.exit(f"wheelhouse: {rec['Package']} has no single metadata folder for {name}: {infos}")
            info = os.path.join(sp, mine[0])
            meta_text, reqs = self.read_metadata(info)
            metadata = email.parser.Parser().parsestr(meta_text)
            meta_text, reqs = self.debian_requirements(name, rec, meta_text, reqs)
            metadata = email.parser.Parser().parsestr(meta_text)
            if metadata["Version"] in (None, "0.0.0", "0"):  # lost in Debian's build
                version = upstream(rec["Version"])
                meta_text = re.sub(r"(?m)^Version: .*$", f"Version: {version}", meta_text, count=1)
                metadata = email.parser.Parser().parsestr(meta_text)
            others = [d for d in infos if d != mine[0]]
            files = {}
            skip_tops = set()
            for d in others:  # another distribution in the same package: leave its files out
                top = os.path.join(sp, d, "top_level.txt")
                if os.path.exists(top):
                    skip_tops.update(open(top).read().split())
                skip_tops.add(d)
            for dirpath, dirnames, filenames in os.walk(sp):
                rel_dir = os.path.relpath(dirpath, sp)
                top = rel_dir.split(os.sep)[0]
                if top in skip_tops or top == mine[0] or "__pycache__" in rel_dir.split(os.sep):
                    dirnames[:] = []
                    continue
                for f in filenames:
                    rel = os.path.normpath(os.path.join(rel_dir, f))
                    if rel.split(os.sep)[0] in skip_tops:
                        continue
                    src = self.resolve(root, os.path.join(dirpath, f))
                    if src is None:
                        self.notes.append(f"{name}: {rel} points to nothing; left out")
                        continue
                    files[rel] = src
            scripts = {}
        so = [f for f in files if f.endswith(".so")]
        if so and name in OPTIONAL_COMPILED and world is not self.compiled:
            for f in so:
                del files[f]
            so = []
            own = self.compiled.show(rec["Package"])
            why = (f"{self.compiled.name}'s {upstream(own['Version'])} does not meet what asks for it" if own
                   else f"{self.compiled.name} has no {rec['Package']}")
            self.substitutes.append(f"{name} {upstream(rec['Version'])}: {rec['Package']} {rec['Version']} ({world.name}) "
                                    f"without its compiled parts, which are built for another Python, so its "
                                    f"pure-Python code runs ({why})")
        # Debian builds for each Python it supports; the wheel keeps the target's.
        others = [f for f in so if ".cpython-" in f and f".cpython-{self.abi[2:]}-" not in f]
        for f in others:
            del files[f]
        so = [f for f in so if f not in others]
        if others and not so and name not in OPTIONAL_COMPILED:
            sys.exit(f"wheelhouse: {rec['Package']} ({world.name}) is built for another Python: {others[:3]}")
        tag = f"{self.abi}-{self.abi}-linux_x86_64" if so or scripts else "py3-none-any"
        dist = re.sub(r"[-_.]+", "_", metadata["Name"])
        version = metadata["Version"]
        info_dir = f"{dist}-{version}.dist-info"
        entries = {}
        for rel, src in sorted(files.items()):
            with open(src, "rb") as f:
                entries[rel.replace(os.sep, "/")] = (f.read(), os.stat(src).st_mode)
        for script, src in scripts.items():
            with open(src, "rb") as f:
                entries[f"{dist}-{version}.data/scripts/{script}"] = (f.read(), 0o100755)
        entries[f"{info_dir}/METADATA"] = (meta_text.encode(), 0o100644)
        src_info = os.path.join(sp, mine[0]) if name != "ruff" else None
        if src_info and os.path.exists(os.path.join(src_info, "entry_points.txt")):
            entries[f"{info_dir}/entry_points.txt"] = (open(os.path.join(src_info, "entry_points.txt"), "rb").read(), 0o100644)
        purelib = "true" if tag == "py3-none-any" else "false"
        entries[f"{info_dir}/WHEEL"] = (
            f"Wheel-Version: 1.0\nGenerator: scaffold-ci-wheelhouse\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n".encode(), 0o100644)
        self.write_wheel(metadata["Name"], dist, version, tag, info_dir, entries,
                         f"{rec['Package']} {rec['Version']} ({world.name})")
        return metadata, reqs

    def debian_requirements(self, name, rec, meta_text, reqs):
        """Metadata whose requirements Debian's build lost (only extras are left)
        gets them from the package's Depends."""
        if any(r.marker is None or "extra" not in str(r.marker) for r in reqs):
            return meta_text, reqs
        reverse = {v: k for k, v in DEBIAN_NAMES.items()}
        added = []
        for group in (rec.get("Depends", "") + "," + rec.get("Pre-Depends", "")).split(","):
            dep = group.split("|")[0].strip().split(" ")[0].split(":")[0]
            if not dep.startswith("python3-") or dep in ("python3-pkg-resources", "python3-distutils"):
                continue
            # Debian's pycparser names the ply it was built with (python3-ply-lex-3.10,
            # virtual packages of python3-ply).
            dep = re.sub(r"^python3-ply-(lex|yacc)-.*$", "python3-ply", dep)
            added.append(reverse.get(dep, dep[len("python3-"):]))
        added = list(dict.fromkeys(added))
        if not added:
            return meta_text, reqs
        self.notes.append(f"{name}: requirements from Debian's Depends, which its metadata lacks: {', '.join(added)}")
        head, sep, body = meta_text.partition("\n\n")
        head = head.rstrip("\n") + "\n" + "".join(f"Requires-Dist: {a}\n" for a in added)
        return head + sep + body, reqs + [Requirement(a) for a in added]

    def resolve(self, root, path):
        seen = 0
        while os.path.islink(path):
            target = os.readlink(path)
            path = os.path.join(root, target.lstrip("/")) if target.startswith("/") else os.path.join(os.path.dirname(path), target)
            path = os.path.normpath(path)
            seen += 1
            if seen > 20 or not path.startswith(root):
                return None
        return path if os.path.isfile(path) else None

    def read_metadata(self, info):
        if info.endswith(".dist-info"):
            text = open(os.path.join(info, "METADATA"), encoding="utf-8").read()
        else:  # an egg-info folder: PKG-INFO and requires.txt
            text = open(os.path.join(info, "PKG-INFO"), encoding="utf-8").read()
            req_file = os.path.join(info, "requires.txt")
            if os.path.exists(req_file):
                head, sep, body = text.partition("\n\n")
                extra = None
                lines = []
                for line in open(req_file, encoding="utf-8").read().splitlines():
                    line = line.strip()
                    if not line:
                        continue
                    if line.startswith("["):
                        section = line.strip("[]")
                        extra, _, cond = section.partition(":")
                        marker = " and ".join(x for x in [f'extra == "{extra}"' if extra else "", cond] if x)
                        extra = marker
                        continue
                    lines.append(f"Requires-Dist: {line}" + (f"; {extra}" if extra else ""))
                text = head.rstrip("\n") + "\n" + "\n".join(lines) + "\n" + sep + body
        meta = email.parser.Parser().parsestr(text)
        reqs = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
        return text, reqs

    def write_wheel(self, name, dist, version, tag, info_dir, entries, source):
        record = []
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path, (data, mode) in entries.items():
                zi = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
                zi.external_attr = (mode & 0xFFFF) << 16
                zi.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(zi, data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                record.append(f"{path},sha256={digest},{len(data)}")
            record.append(f"{info_dir}/RECORD,,")
            zi = zipfile.ZipInfo(f"{info_dir}/RECORD", date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o100644 << 16
            z.writestr(zi, "\n".join(record) + "\n")
        canon = canonicalize_name(name)
        self.versions.setdefault(canon, set()).add(version)
        folder = os.path.join(self.out, "simple", canon)
        os.makedirs(folder, exist_ok=True)
        fname = f"{dist}-{version}-{tag}.whl"
        with open(os.path.join(folder, fname), "wb") as f:
            f.write(buf.getvalue())
        log(f"{fname:60} from {source}")

    def empty_wheel(self, name, version, why):
        dist = name.replace("-", "_")
        info_dir = f"{dist}-{version}.dist-info"
        entries = {
            f"{info_dir}/METADATA": (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(), 0o100644),
            f"{info_dir}/WHEEL": (b"Wheel-Version: 1.0\nGenerator: scaffold-ci-wheelhouse\nRoot-Is-Purelib: true\nTag: py3-none-any\n", 0o100644),
        }
        self.write_wheel(name, dist, version, "py3-none-any", info_dir, entries, why)
        self.substitutes.append(f"{name} {version}: {why}")
        self.done[name] = version

    def shim_uvicorn_worker(self):
        version = self.wanted.get("uvicorn-worker") or "0"
        info_dir = f"uvicorn_worker-{version}.dist-info"
        meta = (f"Metadata-Version: 2.1\nName: uvicorn-worker\nVersion: {version}\n"
                "Requires-Dist: uvicorn\nRequires-Dist: gunicorn\n")
        entries = {
            "uvicorn_worker/__init__.py": (b"from uvicorn.workers import UvicornH11Worker, UvicornWorker\n\n"
                                           b"__all__ = [\"UvicornWorker\", \"UvicornH11Worker\"]\n", 0o100644),
            f"{info_dir}/METADATA": (meta.encode(), 0o100644),
            f"{info_dir}/WHEEL": (b"Wheel-Version: 1.0\nGenerator: scaffold-ci-wheelhouse\nRoot-Is-Purelib: true\nTag: py3-none-any\n", 0o100644),
        }
        self.write_wheel("uvicorn-worker", "uvicorn_worker", version, "py3-none-any", info_dir, entries,
                         "uvicorn's own worker classes")
        self.substitutes.append(f"uvicorn-worker {version}: uvicorn's own worker classes (no Debian package)")
        self.done["uvicorn-worker"] = version
        return [Requirement("uvicorn"), Requirement("gunicorn")]

    def tzdata_wheel(self):
        """The IANA database as the tzdata distribution has it, from Debian's tzdata."""
        rec = self.compiled.show("tzdata")
        up = upstream(rec["Version"])  # 2025b
        m = re.fullmatch(r"(\d{4})([a-z])", up)
        version = f"{m.group(1)}.{ord(m.group(2)) - ord('a') + 1}" if m else up
        entries = {"tzdata/__init__.py": (f'IANA_VERSION = "{up}"\n'.encode(), 0o100644)}
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["dpkg-deb", "-x", self.fetch(self.compiled, "tzdata", rec["Version"]), tmp], check=True)
            zi = os.path.join(tmp, "usr/share/zoneinfo")
            for dirpath, dirnames, filenames in os.walk(zi):
                rel_dir = os.path.relpath(dirpath, zi)
                if rel_dir.split(os.sep)[0] in ("posix", "right"):
                    dirnames[:] = []
                    continue
                pkg = "tzdata/zoneinfo" + ("" if rel_dir == "." else "/" + rel_dir.replace(os.sep, "/"))
                entries[pkg + "/__init__.py"] = (b"", 0o100644)
                for f in filenames:
                    src = self.resolve(tmp, os.path.join(dirpath, f))
                    if src and "." not in f or f in ("zone.tab", "zone1970.tab", "tzdata.zi", "iso3166.tab"):
                        if src:
                            entries[f"{pkg}/{f}"] = (open(src, "rb").read(), 0o100644)
        info_dir = f"tzdata-{version}.dist-info"
        entries[f"{info_dir}/METADATA"] = (f"Metadata-Version: 2.1\nName: tzdata\nVersion: {version}\n".encode(), 0o100644)
        entries[f"{info_dir}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: scaffold-ci-wheelhouse\nRoot-Is-Purelib: true\nTag: py3-none-any\n", 0o100644)
        self.write_wheel("tzdata", "tzdata", version, "py3-none-any", info_dir, entries,
                         f"tzdata {rec['Version']} ({self.compiled.name}), the zoneinfo files")
        self.done["tzdata"] = version
        return []

    def sidecar_wheel(self):
        version = self.wanted.get("drf-spectacular-sidecar") or "0"
        info_dir = f"drf_spectacular_sidecar-{version}.dist-info"
        static = "drf_spectacular_sidecar/static/drf_spectacular_sidecar/"
        entries = {"drf_spectacular_sidecar/__init__.py": (b"", 0o100644)}
        # Swagger UI's files as the sidecar ships them, source maps included: the
        # scripts and styles name them, and collectstatic's manifest refuses a
        # reference to a file that is missing. Without --swagger-ui, the files that
        # drf-spectacular links are there, empty.
        linked = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                  "favicon-32x32.png", "oauth2-redirect.html")
        for f in linked + ("oauth2-redirect.js", "LICENSE", "swagger-ui.css.map",
                           "swagger-ui-bundle.js.map", "swagger-ui-standalone-preset.js.map"):
            src = os.path.join(self.swagger_ui, f) if self.swagger_ui else None
            if src and os.path.exists(src):
                with open(src, "rb") as fh:
                    entries[static + "swagger-ui-dist/" + f] = (fh.read(), 0o100644)
            elif f in linked:
                entries[static + "swagger-ui-dist/" + f] = (b"", 0o100644)
        entries[static + "redoc/bundles/redoc.standalone.js"] = (b"", 0o100644)
        entries[f"{info_dir}/METADATA"] = (f"Metadata-Version: 2.1\nName: drf-spectacular-sidecar\nVersion: {version}\nRequires-Dist: Django\n".encode(), 0o100644)
        entries[f"{info_dir}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: scaffold-ci-wheelhouse\nRoot-Is-Purelib: true\nTag: py3-none-any\n", 0o100644)
        why = ("the app with Swagger UI's files from npm's swagger-ui-dist and an empty ReDoc file (no Debian package)"
               if self.swagger_ui else "the app with empty Swagger UI and ReDoc files (no Debian package)")
        self.write_wheel("drf-spectacular-sidecar", "drf_spectacular_sidecar", version, "py3-none-any", info_dir, entries, why)
        self.substitutes.append(f"drf-spectacular-sidecar {version}: {why}")
        self.done["drf-spectacular-sidecar"] = version
        return []

    def index(self):
        simple = os.path.join(self.out, "simple")
        names = sorted(os.listdir(simple))
        with open(os.path.join(simple, "index.html"), "w") as f:
            f.write("<!DOCTYPE html>\n<html><body>\n")
            for n in names:
                f.write(f'<a href="{n}/">{n}</a>\n')
            f.write("</body></html>\n")
        for n in names:
            wheels = sorted(w for w in os.listdir(os.path.join(simple, n)) if w.endswith(".whl"))
            with open(os.path.join(simple, n, "index.html"), "w") as f:
                f.write("<!DOCTYPE html>\n<html><body>\n")
                for w in wheels:
                    digest = hashlib.sha256(open(os.path.join(simple, n, w), "rb").read()).hexdigest()
                    f.write(f'<a href="{html.escape(w)}#sha256={digest}">{html.escape(w)}</a>\n')
                f.write("</body></html>\n")
        with open(os.path.join(self.out, "substitutes.txt"), "w") as f:
            f.write("".join(s + "\n" for s in self.substitutes))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--compiled-world", required=True)
    ap.add_argument("--world", action="append", required=True)
    ap.add_argument("--debs", required=True, help="folder for downloaded .deb files")
    ap.add_argument("--swagger-ui", help="npm's swagger-ui-dist, unpacked: its package folder")
    ap.add_argument("requirements", nargs="+")
    args = ap.parse_args()
    tmp_out = args.out + ".new"
    shutil.rmtree(tmp_out, ignore_errors=True)
    os.makedirs(tmp_out)
    final = args.out
    args.out = tmp_out
    b = Builder(args)
    reqs = [Requirement(r) for r in args.requirements]
    for r in reqs:
        if r.specifier:
            pins = [s.version for s in r.specifier if s.operator == "=="]
            if pins:
                b.wanted.setdefault(canonicalize_name(r.name), pins[0])
    # Each series of a pinned distribution (Django 5.2 and 6.1) gets its own wheel.
    for r in reqs:
        name = canonicalize_name(r.name)
        pins = [s.version for s in r.specifier if s.operator == "=="]
        if name in b.done and pins and b.done[name] and not same_series(b.done[name], pins[0]):
            world, rec = b.pick(name, pins[0])
            if rec and same_series(upstream(rec["Version"]), pins[0]):
                b.add_version(name, world, rec)
            continue
        b.wanted[name] = pins[0] if pins else None
        b.add(r)
    for note in b.notes:
        log("note: " + note)
    if b.missing:
        sys.exit("wheelhouse: no Debian package for: " + "; ".join(b.missing))
    # What pip will check: every requirement met by the version the index has.
    conflicts = []
    for parent, version, reqs in b.edges:
        for r in reqs:
            dep = canonicalize_name(r.name)
            have = b.versions.get(dep, set())
            if have and r.specifier and (r.marker is None or r.marker.evaluate(dict(b.env, extra=""))):
                if not any(satisfies(v, r.specifier) for v in have):
                    conflicts.append(f"{parent} {version} needs {r.name}{r.specifier}, the index has {', '.join(sorted(have))}")
    if conflicts:
        sys.exit("wheelhouse: conflicting Debian builds: " + "; ".join(conflicts))
    b.index()
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp_out, final)


if __name__ == "__main__":
    main()
