#!/usr/bin/env node
// ruff-check.mjs: lint a Python project with Ruff compiled to WebAssembly
// (the npm package @astral-sh/ruff-wasm-nodejs), for machines without a ruff binary.
//
//   node ruff-check.mjs PROJECT_DIR
//
// Reads [tool.ruff] from PROJECT_DIR/pyproject.toml (or ruff.toml / .ruff.toml),
// lints every *.py file below PROJECT_DIR (skipping Ruff's default excludes plus
// `exclude` / `extend-exclude`), applies `per-file-ignores`, and prints one line per
// diagnostic:  path:line:col: CODE message
// Exit status: 0 clean, 1 diagnostics found, 2 usage or configuration error.
//
// The package is found through NODE_PATH, or RUFF_WASM_MODULE (a path to the package
// folder or its ruff_wasm.js).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";

const require = createRequire(import.meta.url);

function fail(msg) {
  process.stderr.write(`ruff-check: ${msg}\n`);
  process.exit(2);
}

function loadRuff() {
  // Ruff's module is 10 MB of WebAssembly: V8's optimizing tier costs several CPU seconds
  // per start, far more than linting a project takes with the baseline compiler alone.
  v8.setFlagsFromString("--liftoff-only");
  const explicit = process.env.RUFF_WASM_MODULE;
  try {
    return require(explicit ? path.resolve(explicit) : "@astral-sh/ruff-wasm-nodejs");
  } catch (e) {
    fail(`cannot load @astral-sh/ruff-wasm-nodejs (set NODE_PATH or RUFF_WASM_MODULE): ${e.message}`);
  }
}

// ---------------------------------------------------------------- minimal TOML
// Enough TOML for Ruff settings: tables, dotted keys, strings, numbers, booleans,
// arrays (multi-line) and inline tables.
function parseToml(text, file) {
  const root = {};
  let cur = root;
  let i = 0;
  const n = text.length;
  const err = (m) => {
    const line = text.slice(0, i).split("\n").length;
    throw new Error(`${file}:${line}: ${m}`);
  };
  const skipWs = () => { while (i < n && (text[i] === " " || text[i] === "\t")) i++; };
  const skipWsNl = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text[i] === "#") { while (i < n && text[i] !== "\n") i++; continue; }
      break;
    }
  };
  const endOfLine = () => {
    skipWs();
    if (text[i] === "#") while (i < n && text[i] !== "\n") i++;
    if (i < n && text[i] !== "\n" && text[i] !== "\r") err(`unexpected '${text[i]}'`);
  };
  const basicString = () => {
    if (text.startsWith('"""', i)) err("multi-line strings are not supported");
    i++;
    let s = "";
    while (i < n && text[i] !== '"') {
      if (text[i] === "\n") err("unterminated string");
      if (text[i] === "\\") {
        const c = text[++i];
        const map = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", b: "\b", f: "\f" };
        if (c in map) { s += map[c]; i++; }
        else if (c === "u" || c === "U") {
          const len = c === "u" ? 4 : 8;
          s += String.fromCodePoint(parseInt(text.slice(i + 1, i + 1 + len), 16));
          i += 1 + len;
        } else err(`bad escape \\${c}`);
      } else s += text[i++];
    }
    if (text[i] !== '"') err("unterminated string");
    i++;
    return s;
  };
  const literalString = () => {
    if (text.startsWith("'''", i)) err("multi-line strings are not supported");
    const j = text.indexOf("'", i + 1);
    if (j < 0 || text.slice(i + 1, j).includes("\n")) err("unterminated string");
    const s = text.slice(i + 1, j);
    i = j + 1;
    return s;
  };
  const key = () => {
    const parts = [];
    for (;;) {
      skipWs();
      if (text[i] === '"') parts.push(basicString());
      else if (text[i] === "'") parts.push(literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
        if (!m) err("expected a key");
        parts.push(m[0]);
        i += m[0].length;
      }
      skipWs();
      if (text[i] !== ".") return parts;
      i++;
    }
  };
  const value = () => {
    const c = text[i];
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === "[") {
      i++;
      const arr = [];
      for (;;) {
        skipWsNl();
        if (text[i] === "]") { i++; return arr; }
        arr.push(value());
        skipWsNl();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        err("expected ',' or ']'");
      }
    }
    if (c === "{") {
      i++;
      const obj = {};
      skipWs();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        const k = key();
        if (text[i] !== "=") err("expected '='");
        i++;
        skipWs();
        setPath(obj, k, value());
        skipWs();
        if (text[i] === ",") { i++; skipWs(); continue; }
        if (text[i] === "}") { i++; return obj; }
        err("expected ',' or '}'");
      }
    }
    const m = /^(true|false|[+-]?[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?)/.exec(text.slice(i));
    if (!m) err("unsupported value");
    i += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    return Number(m[0].replace(/_/g, ""));
  };
  const table = (obj, parts) => {
    for (const p of parts) {
      if (obj[p] === undefined) obj[p] = {};
      else if (typeof obj[p] !== "object" || Array.isArray(obj[p])) err(`${parts.join(".")} is not a table`);
      obj = obj[p];
    }
    return obj;
  };
  const setPath = (obj, parts, v) => {
    const t = table(obj, parts.slice(0, -1));
    t[parts[parts.length - 1]] = v;
  };
  while (i < n) {
    skipWsNl();
    if (i >= n) break;
    if (text[i] === "[") {
      if (text[i + 1] === "[") {
        // Arrays of tables are not Ruff settings: skip the header and its keys go nowhere.
        i += 2;
        const k = key();
        if (!text.startsWith("]]", i)) err("expected ']]'");
        i += 2;
        const arr = table(root, k.slice(0, -1));
        const last = k[k.length - 1];
        if (!Array.isArray(arr[last])) arr[last] = [];
        cur = {};
        arr[last].push(cur);
      } else {
        i++;
        const k = key();
        if (text[i] !== "]") err("expected ']'");
        i++;
        cur = table(root, k);
      }
      endOfLine();
      continue;
    }
    const k = key();
    if (text[i] !== "=") err("expected '='");
    i++;
    skipWs();
    setPath(cur, k, value());
    endOfLine();
  }
  return root;
}

// ---------------------------------------------------------------- settings
function readSettings(dir) {
  for (const [name, pick] of [
    [".ruff.toml", (t) => t],
    ["ruff.toml", (t) => t],
    ["pyproject.toml", (t) => t.tool && t.tool.ruff],
  ]) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const parsed = parseToml(fs.readFileSync(file, "utf8"), file);
    const s = pick(parsed);
    if (s) return { settings: structuredClone(s), source: name };
  }
  return { settings: {}, source: null };
}

// Ruff's default `exclude` (folders and files never linted).
const DEFAULT_EXCLUDE = [
  ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
  ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
  ".vscode", "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages", "venv",
];

// Glob (as Ruff's exclude / per-file-ignores use them) to RegExp over a relative path.
function globToRegExp(glob) {
  let g = glob.replace(/\\/g, "/");
  if (g.startsWith("./")) g = g.slice(2);
  let re = "";
  for (let k = 0; k < g.length; k++) {
    const c = g[k];
    if (c === "*") {
      if (g[k + 1] === "*") {
        k++;
        if (g[k + 1] === "/") { k++; re += "(?:.*/)?"; } else re += ".*";
      } else re += ".*"; // globset's default: '*' also crosses '/'

    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const j = g.indexOf("]", k);
      if (j < 0) re += "\\[";
      else { re += "[" + g.slice(k + 1, j).replace(/^!/, "^") + "]"; k = j; }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

// A pattern matches a path, or (without a slash) any of its components, as in Ruff.
function matcher(patterns) {
  const res = patterns.map((p) => ({ re: globToRegExp(p), base: !p.replace(/^\.\//, "").includes("/") }));
  return (rel) => res.some(({ re, base }) => re.test(rel) || (base && rel.split("/").some((part) => re.test(part))));
}

function walk(dir, rel, excluded, out) {
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (excluded(r)) continue;
    if (ent.isDirectory()) walk(dir, r, excluded, out);
    else if (ent.isFile() && ent.name.endsWith(".py")) out.push(r);
  }
  return out;
}

// First-party modules: what Ruff finds in `src` (default "." and "src") on disk. The
// WebAssembly build sees no files, so they are passed as isort known-first-party.
function firstParty(dir, src) {
  const names = new Set();
  for (const s of src) {
    const base = path.resolve(dir, s);
    if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) continue;
    for (const ent of fs.readdirSync(base, { withFileTypes: true })) {
      if (ent.isDirectory() && /^[A-Za-z_][A-Za-z0-9_]*$/.test(ent.name) && !DEFAULT_EXCLUDE.includes(ent.name)) {
        if (fs.existsSync(path.join(base, ent.name, "__init__.py"))) names.add(ent.name);
      } else if (ent.isFile() && /^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(ent.name)) {
        names.add(ent.name.slice(0, -3));
      }
    }
  }
  return [...names].sort();
}

function main() {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] === "-h" || args[0] === "--help") {
    process.stderr.write("usage: node ruff-check.mjs PROJECT_DIR\n");
    process.exit(2);
  }
  const dir = path.resolve(args[0]);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${args[0]}: not a directory`);

  let settings, source;
  try {
    ({ settings, source } = readSettings(dir));
  } catch (e) {
    fail(e.message);
  }
  const lint = settings.lint || (settings.lint = {});
  // Path-based settings are applied here; the WebAssembly Workspace lints bare text.
  const exclude = settings.exclude || DEFAULT_EXCLUDE;
  const extendExclude = [...(settings["extend-exclude"] || []), ...(lint.exclude || [])];
  const pfi = { ...(lint["per-file-ignores"] || settings["per-file-ignores"] || {}),
    ...(lint["extend-per-file-ignores"] || settings["extend-per-file-ignores"] || {}) };
  const src = settings.src || [".", "src"];
  for (const k of ["exclude", "extend-exclude", "include", "extend-include", "force-exclude",
    "respect-gitignore", "cache-dir", "src", "extend", "per-file-ignores", "extend-per-file-ignores",
    "namespace-packages", "output-format", "show-fixes", "fix", "unsafe-fixes", "required-version"]) delete settings[k];
  for (const k of ["exclude", "per-file-ignores", "extend-per-file-ignores"]) delete lint[k];
  const isort = lint.isort || (lint.isort = {});
  isort["known-first-party"] = [...new Set([...(isort["known-first-party"] || []), ...firstParty(dir, src)])];

  const ruff = loadRuff();
  let ws;
  try {
    ws = new ruff.Workspace(settings, ruff.PositionEncoding.Utf32);
  } catch (e) {
    fail(`invalid Ruff settings${source ? ` in ${source}` : ""}: ${e.message || e}`);
  }

  const excluded = matcher([...exclude, ...extendExclude]);
  const ignores = Object.entries(pfi).map(([glob, codes]) => ({ match: matcher([glob]), codes }));
  const files = walk(dir, "", excluded, []);
  let count = 0;
  for (const rel of files) {
    const text = fs.readFileSync(path.join(dir, rel), "utf8");
    let diags;
    try {
      diags = ws.check(text);
    } catch (e) {
      diags = [{ code: "invalid-syntax", message: String(e.message || e), start_location: { row: 1, column: 1 } }];
    }
    const skip = ignores.filter((x) => x.match(rel)).flatMap((x) => x.codes);
    for (const d of diags) {
      const code = d.code || "invalid-syntax";
      if (skip.some((p) => p === "ALL" || code.startsWith(p))) continue;
      const { row, column } = d.start_location;
      process.stdout.write(`${path.join(args[0], rel)}:${row}:${column}: ${code} ${d.message}\n`);
      count++;
    }
    // `ruff format --check`, which the generated CI runs too.
    let formatted = text;
    try {
      formatted = ws.format(text);
    } catch (e) {
      // A file that does not parse has its invalid-syntax diagnostic already.
    }
    if (formatted !== text) {
      process.stdout.write(`${path.join(args[0], rel)}:1:1: format would reformat this file\n`);
      count++;
    }
  }
  if (count > 0) {
    process.stdout.write(`Found ${count} error${count === 1 ? "" : "s"} in ${files.length} files (ruff ${ruff.Workspace.version()}).\n`);
    process.exit(1);
  }
  process.stderr.write(`ruff ${ruff.Workspace.version()}: ${files.length} files checked, no issues${source ? ` (settings from ${source})` : ""}.\n`);
}

main();
