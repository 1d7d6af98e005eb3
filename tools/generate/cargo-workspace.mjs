#!/usr/bin/env node
// Fixture generator: writes a directory tree of Cargo workspaces for tests and
// benchmarks. Plain Node ESM, no build step, no dependencies.
//
//   node tools/generate/cargo-workspace.mjs <dir> [--crates 500] [--seed 7]
//        [--workspaces 3] [--simple] [--no-external-deps] [--clean] [--json]
//
//   import { generateRepo } from './cargo-workspace.mjs';
//   const summary = generateRepo(dir, { crates: 40, seed: 3, workspaces: 2 });
//
// The same options (seed included) always give the same tree, byte for byte.
// Every manifest is valid for cargo 1.95: `cargo metadata --no-deps --offline`
// succeeds in every directory listed in `summary.roots`. With
// `externalDeps: false` nothing refers to crates.io, so the tree builds offline.
//
// Cargo behaviour the layout relies on (checked with cargo 1.95):
// - A glob in `members` matches every *directory*, and each match must hold a
//   Cargo.toml unless it is listed in `exclude` (so `libs/**` is unusable: it
//   matches `src/`). Globs here are `crates/*` and `libs/*/*`.
// - `exclude` is a path-prefix match and also filters glob matches.
// - A workspace (or package) inside another workspace's directory must be
//   excluded by the outer one: when the outer workspace is loaded, cargo looks
//   up the root of a path dependency in its cache of known roots first, so an
//   un-excluded nested package would inherit from the *outer* root.
// - Path dependencies inside a workspace directory become members even when
//   `members` does not list them ("implicit members"); `[patch]` paths do not.
// - `[workspace.dependencies]` entries cannot be `optional`; members add it.
// - `rust-version` below 1.85 with edition 2024 is an error.
// - Path dependencies are loaded even with `--no-deps`; registry ones are not.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Every feature the generator can mix in (keys of `summary.features`). */
export const FEATURES = Object.freeze([
  // workspace level
  'virtual-manifest', // [workspace] without [package]
  'root-package', // [package] + [workspace] in one manifest, with members
  'repo-root-workspace', // a workspace whose root is the repo root itself
  'members-glob', // members = ["crates/*"]
  'members-glob-nested', // members = ["libs/*/*"]
  'members-literal', // members = ["apps/x"]
  'nested-folders', // a package at depth >= 3 below its workspace root
  'exclude-nested-workspace', // excluded package with its own [workspace] table
  'exclude-standalone', // excluded package without [workspace]: standalone
  'implicit-member', // member only because a member path-depends on it
  'default-members',
  'workspace-package', // [workspace.package]
  'workspace-dependencies', // [workspace.dependencies]
  'workspace-lints', // [workspace.lints] + [lints] workspace = true
  'patch-crates-io', // [patch.crates-io] on a root, to a vendored package
  'standalone-package', // package outside any workspace directory
  'dir-name-differs', // package directory name != package name
  // package level
  'inherit-fields', // version.workspace = true, edition.workspace = true, ...
  'workspace-dep-inherit', // dep = { workspace = true, features = [..], optional = true }
  'renamed-dep', // alias = { package = "real", path = ".." }
  'optional-dep',
  'dep-features', // a path dep that enables features of its target
  'dev-dependencies',
  'build-dependencies', // with a build script
  'build-script',
  'target-cfg-deps', // [target.'cfg(unix)'.dependencies]
  'target-triple-dev-deps', // [target.x86_64-unknown-linux-gnu.dev-dependencies]
  'registry-dep', // serde = "1.0"
  'cross-workspace-dep', // path dep to a member of another workspace
  'standalone-dep', // path dep to a package outside any workspace
  'bin-main', // src/main.rs
  'bin-file', // src/bin/x.rs
  'bin-dir', // src/bin/y/main.rs
  'bin-explicit-path', // [[bin]] with path
  'autobins-false', // autobins = false (with a stray src/bin file that is no target)
  'bin-only', // package without a lib target
  'lib-custom-name', // [lib] name = "..."
  'proc-macro',
  'cdylib',
  'staticlib',
  'example',
  'test',
  'bench',
]);

const EXTERNAL_ONLY = new Set(['registry-dep', 'patch-crates-io']);
const MULTI_WS_ONLY = new Set(['cross-workspace-dep', 'standalone-dep', 'standalone-package']);
/** Not guaranteed per repo (a coin flip), but appears across a handful of seeds. */
const NOT_GUARANTEED = new Set(['repo-root-workspace']);

/**
 * Features that a repo generated with these options is guaranteed to contain
 * (variety on, crates >= 20; a few need externalDeps or workspaces >= 2).
 */
export function requiredFeatures(options = {}) {
  const o = normalizeOptions(options);
  if (!o.variety || o.crates < 20) return [];
  return FEATURES.filter((f) => {
    if (NOT_GUARANTEED.has(f)) return false;
    if (EXTERNAL_ONLY.has(f) && !o.externalDeps) return false;
    if (MULTI_WS_ONLY.has(f) && o.workspaces < 2) return false;
    if ((f === 'virtual-manifest' || f === 'root-package') && o.workspaces < 2) return false;
    return true;
  });
}

// ---------------------------------------------------------------------------
// PRNG

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedToInt(seed) {
  if (typeof seed === 'number' && Number.isFinite(seed)) return Math.trunc(seed) >>> 0;
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seedToInt(seed));
  }
  float() {
    return this.next();
  }
  /** Integer in [lo, hi], inclusive. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }
  shuffle(arr) {
    const a = arr.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  /** pairs: [[value, weight], ...] */
  weighted(pairs) {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }
  subset(arr, min = 1) {
    const s = this.shuffle(arr);
    return s.slice(0, this.int(Math.min(min, s.length), s.length));
  }
}

// ---------------------------------------------------------------------------
// Names

const ADJ = [
  'amber', 'brisk', 'cedar', 'dusty', 'eager', 'fable', 'gilded', 'hollow', 'ivory', 'jolly',
  'keen', 'lunar', 'mossy', 'noble', 'opal', 'pale', 'quiet', 'rusty', 'silver', 'tidal',
  'umber', 'vivid', 'windy', 'young', 'zesty', 'azure', 'bold', 'coral', 'deep', 'elder',
  'frost', 'grand', 'hazel', 'iron', 'jade', 'kind', 'lucky', 'misty', 'north', 'olive',
];
const NOUN = [
  'anchor', 'badger', 'beacon', 'canyon', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'island',
  'jigsaw', 'kernel', 'lantern', 'meadow', 'nebula', 'orchid', 'parcel', 'quarry', 'raven', 'signal',
  'thicket', 'tundra', 'vertex', 'walrus', 'yarrow', 'zephyr', 'atlas', 'bridge', 'comet', 'dynamo',
  'engine', 'forge', 'glacier', 'hinge', 'index', 'journal', 'ledger', 'matrix', 'needle', 'oracle',
];
// Must not clash with the folders used inside a workspace (crates, libs, apps,
// services, internal, extras, detached, vendor) nor with `standalone`/`rust`:
// a workspace at the repo root would otherwise share folders with another one.
const WS_NAMES = ['platform', 'backend', 'tooling', 'runtime', 'infra', 'clients', 'storage', 'pipeline'];
const CATEGORIES = ['core', 'net', 'util', 'io', 'codec'];
const SERVICE_AREAS = ['billing', 'search', 'auth', 'ingest'];

// Registry crates with requirements that Debian's librust-*-dev packages satisfy.
const REGISTRY = [
  { name: 'serde', req: '1.0', features: ['derive'] },
  { name: 'log', req: '0.4' },
  { name: 'anyhow', req: '1.0' },
  { name: 'regex', req: '1.7' },
  { name: 'itoa', req: '1' },
  { name: 'libc', req: '0.2', platform: 'cfg(unix)' },
];
const VENDOR_CRATE = { name: 'itoa', version: '1.0.99' };

class Namer {
  constructor(rng, { underscores = true } = {}) {
    this.rng = rng;
    this.used = new Set([...REGISTRY.map((r) => r.name), VENDOR_CRATE.name]);
    this.underscores = underscores;
    this.counter = 0;
  }
  name() {
    for (let i = 0; i < 30; i++) {
      const sep = this.underscores && this.rng.chance(0.1) ? '_' : '-';
      const cand = `${this.rng.pick(ADJ)}${sep}${this.rng.pick(NOUN)}`;
      if (this.take(cand)) return cand;
    }
    for (;;) {
      const cand = `${this.rng.pick(ADJ)}-${this.rng.pick(NOUN)}-${++this.counter}`;
      if (this.take(cand)) return cand;
    }
  }
  take(name) {
    const key = name.replace(/_/g, '-');
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }
}

const ident = (name) => name.replace(/-/g, '_');

// ---------------------------------------------------------------------------
// Options

function normalizeOptions(options = {}) {
  const crates = Math.max(1, Math.trunc(Number(options.crates ?? 20)));
  const variety = options.variety !== false;
  const externalDeps = options.externalDeps !== false;
  let workspaces = Math.max(1, Math.trunc(Number(options.workspaces ?? 1)));
  if (!variety) workspaces = 1;
  workspaces = Math.min(workspaces, crates);
  return { crates, seed: options.seed ?? 1, workspaces, variety, externalDeps };
}

// ---------------------------------------------------------------------------
// Plan model

function newPkg(name, role, ws) {
  return {
    name,
    role, // member | root | implicit | excluded-ws | excluded | standalone | vendor
    ws, // workspace it lives in (layout); null for standalone packages
    dir: '', // relative to the repo, posix
    rank: 0,
    index: 0,
    lib: 'lib', // lib | proc-macro | cdylib | staticlib | null (bin-only)
    libName: null,
    mainBin: false,
    binFile: false,
    binDir: false,
    explicitBin: false,
    autobinsFalse: false,
    example: false,
    test: false,
    bench: false,
    buildScript: false,
    buildPath: null,
    inherit: [], // [workspace.package] fields this package inherits
    version: '0.1.0',
    edition: '2021',
    rustVersion: null,
    description: null,
    license: null,
    lints: false,
    deps: [],
    features: new Map(),
    dirDiffers: false,
  };
}

function libIdent(p) {
  return p.libName ?? ident(p.name);
}

function depKey(d) {
  return d.alias ?? (d.target ? d.target.name : d.crate);
}

function relPath(from, to) {
  const r = path.posix.relative(from === '.' ? '' : from, to === '.' ? '' : to);
  return r === '' ? '.' : r;
}

function joinDir(base, rel) {
  return base === '.' ? rel : `${base}/${rel}`;
}

// ---------------------------------------------------------------------------
// Simple plan: one virtual workspace at the repo root, members = ["crates/*"],
// plain libs with path deps only.

function planSimple(o, rng) {
  const namer = new Namer(rng, { underscores: false });
  const ws = newWorkspace('root', '.', 'virtual');
  ws.groups = ['glob'];
  ws.resolver = '2';
  const pkgs = [];
  for (let i = 0; i < o.crates; i++) {
    const p = newPkg(namer.name(), 'member', ws);
    p.group = 'glob';
    p.dir = `crates/${p.name}`;
    p.index = i;
    pkgs.push(p);
    ws.pkgs.push(p);
    if (i === 0) continue;
    // 1..3 deps on earlier crates, mostly recent ones so the graph has depth.
    const k = Math.min(i, rng.weighted([[1, 4], [2, 3], [3, 2]]));
    const chosen = new Set();
    while (chosen.size < k) {
      const j = rng.chance(0.6) ? Math.max(0, i - 1 - Math.floor(rng.float() * Math.min(i, 12))) : rng.int(0, i - 1);
      chosen.add(j);
    }
    for (const j of [...chosen].sort((a, b) => b - a)) p.deps.push(pathDep(pkgs[j], 'normal'));
  }
  return { workspaces: [ws], pkgs, standalones: [] };
}

function newWorkspace(name, dir, kind) {
  return {
    name,
    dir,
    kind, // virtual | root
    rootPkg: null,
    pkgs: [], // every package laid out inside (members and specials)
    groups: [],
    extraExclude: [],
    wsPackage: null,
    wsDeps: null, // Map key -> { target?, crate?, alias?, req?, version? }
    lints: false,
    patch: false,
    defaultMembers: false,
    profile: false,
    resolver: null,
  };
}

function pathDep(target, kind, extra = {}) {
  return { target, crate: null, kind, via: 'path', alias: null, optional: false, features: [], platform: null, featureName: null, ...extra };
}

// ---------------------------------------------------------------------------
// Variety plan

function planVariety(o, rng) {
  const namer = new Namer(rng);
  const N = o.crates;
  const big = N >= 20;
  const W = o.workspaces;
  const S = W > 1 ? Math.min(2, N - W) : 0;
  const V = o.externalDeps && (big || (N - W - S >= 6 && rng.chance(0.5))) ? 1 : 0;
  const R = N - S - V;

  // Workspace sizes: at least one package each, the rest by random weights.
  const weights = Array.from({ length: W }, () => 1 + 2 * rng.float());
  const sizes = Array(W).fill(1);
  for (let k = W; k < R; k++) sizes[rng.weighted(weights.map((w, i) => [i, w]))]++;

  // Kinds: with two or more workspaces both kinds appear.
  let kinds = Array.from({ length: W }, () => (rng.chance(0.55) ? 'virtual' : 'root'));
  if (W >= 2) {
    kinds = rng.shuffle(['virtual', 'root', ...kinds.slice(2)]);
    // A root-package workspace should have members besides its root package.
    const r = kinds.indexOf('root');
    if (sizes[r] < 3) {
      const v = sizes.findIndex((s, i) => kinds[i] === 'virtual' && s >= 3);
      if (v >= 0) [kinds[r], kinds[v]] = [kinds[v], kinds[r]];
    }
  }

  const atRepoRoot = rng.chance(0.5);
  const wsNames = rng.shuffle(WS_NAMES);
  const workspaces = [];
  for (let i = 0; i < W; i++) {
    const name = i < wsNames.length ? wsNames[i] : `${wsNames[i % wsNames.length]}-${i}`;
    let dir;
    if (i === 0 && atRepoRoot) dir = '.';
    else dir = rng.chance(0.3) ? `rust/${name}` : name;
    const ws = newWorkspace(name, dir, kinds[i]);
    ws.size = sizes[i];
    workspaces.push(ws);
  }

  // Special roles. Capacity: packages left for regular members after the root
  // package and specials; a virtual workspace keeps at least one member.
  for (const ws of workspaces) {
    ws.specials = [];
    ws.free = ws.size - (ws.kind === 'root' ? 1 : 0);
  }
  const minFree = (ws) => (ws.kind === 'virtual' ? 1 : 0);
  const canTake = (ws, role) => ws.free - 1 >= Math.max(minFree(ws), role === 'implicit' ? 1 : 0);
  const take = (ws, role) => {
    ws.specials.push(role);
    ws.free--;
  };
  for (const role of ['excluded-ws', 'excluded', 'implicit']) {
    if (big) {
      const cands = workspaces.filter((ws) => canTake(ws, role) && ws.free >= 3);
      if (cands.length) take(cands.reduce((a, b) => (b.free > a.free ? b : a)), role);
    }
    for (const ws of workspaces) if (ws.free >= 8 && rng.chance(0.25) && canTake(ws, role)) take(ws, role);
  }
  if (!big) {
    for (const ws of workspaces) {
      for (const role of ['excluded-ws', 'excluded', 'implicit']) {
        if (!ws.specials.includes(role) && ws.free >= 4 && rng.chance(0.3) && canTake(ws, role)) take(ws, role);
      }
    }
  }

  // Member groups. Required groups go to the workspaces with the most room.
  for (const ws of workspaces) ws.groups = [];
  if (big) {
    for (const g of ['glob', 'glob-nested', 'literal']) {
      const cands = workspaces.filter((ws) => ws.free > ws.groups.length);
      if (!cands.length) break;
      const ws = cands.reduce((a, b) => (b.free - b.groups.length > a.free - a.groups.length ? b : a));
      ws.groups.push(g);
    }
  }
  for (const ws of workspaces) {
    if (ws.free === 0) continue;
    if (!ws.groups.length) ws.groups.push(rng.pick(['glob', 'glob', 'glob-nested', 'literal']));
    for (const g of ['glob', 'glob-nested', 'literal']) {
      if (!ws.groups.includes(g) && ws.free > ws.groups.length && rng.chance(0.35)) ws.groups.push(g);
    }
    ws.groups = rng.shuffle(ws.groups);
  }

  // Packages.
  const pkgs = [];
  const add = (p) => {
    pkgs.push(p);
    if (p.ws) p.ws.pkgs.push(p);
    return p;
  };
  for (const ws of workspaces) {
    const usedDirs = new Set();
    const claimDir = (rel) => {
      if (usedDirs.has(rel)) return false;
      usedDirs.add(rel);
      return true;
    };
    if (ws.kind === 'root') {
      const p = add(newPkg(namer.name(), 'root', ws));
      p.dir = ws.dir;
      p.rank = 0.3 + 0.7 * rng.float();
      ws.rootPkg = p;
    }
    // Regular members, each group at least one.
    const counts = Object.fromEntries(ws.groups.map((g) => [g, 1]));
    for (let k = ws.groups.length; k < ws.free; k++) counts[rng.pick(ws.groups)]++;
    for (const g of ws.groups) {
      for (let k = 0; k < counts[g]; k++) {
        const p = add(newPkg(namer.name(), 'member', ws));
        p.group = g;
        p.rank = rng.float();
        let rel;
        if (g === 'glob') {
          const short = p.name.split(/[-_]/).pop();
          if (rng.chance(0.25) && claimDir(`crates/${short}`)) {
            rel = `crates/${short}`;
            p.dirDiffers = true;
          } else {
            rel = `crates/${p.name}`;
            claimDir(rel);
          }
        } else if (g === 'glob-nested') {
          rel = `libs/${rng.pick(CATEGORIES)}/${p.name}`;
        } else {
          rel = rng.chance(0.4) ? `services/${rng.pick(SERVICE_AREAS)}/${p.name}` : `apps/${p.name}`;
        }
        p.rel = rel;
        p.dir = joinDir(ws.dir, rel);
      }
    }
    for (const role of ws.specials) {
      const p = add(newPkg(namer.name(), role, ws));
      p.rank = rng.float() * 0.5;
      let rel;
      if (role === 'implicit') rel = `internal/${p.name}`;
      else if (ws.groups.includes('glob') && rng.chance(0.7)) rel = `crates/${p.name}`;
      else if (ws.groups.includes('glob-nested') && rng.chance(0.5)) rel = `libs/${rng.pick(CATEGORIES)}/${p.name}`;
      else rel = `${role === 'excluded-ws' ? 'extras' : 'detached'}/${p.name}`;
      p.rel = rel;
      p.dir = joinDir(ws.dir, rel);
    }
  }
  const standalones = [];
  for (let k = 0; k < S; k++) {
    const p = add(newPkg(namer.name(), 'standalone', null));
    p.dir = `standalone/${p.name}`;
    p.rank = rng.float() * 0.3;
    standalones.push(p);
  }
  if (V) {
    const ws = rng.pick(workspaces);
    const p = add(newPkg(VENDOR_CRATE.name, 'vendor', ws));
    p.version = VENDOR_CRATE.version;
    p.rel = `vendor/${p.name}`;
    p.dir = joinDir(ws.dir, p.rel);
    p.rank = 0;
    ws.patch = true;
  }
  // Repo-root workspace: exclude every other workspace and the standalones.
  for (const ws of workspaces) {
    if (ws.dir !== '.') continue;
    for (const other of workspaces) if (other !== ws) ws.extraExclude.push(other.dir.split('/')[0]);
    if (standalones.length) ws.extraExclude.push('standalone');
    ws.extraExclude = [...new Set(ws.extraExclude)];
  }

  pkgs.sort((a, b) => a.rank - b.rank);
  pkgs.forEach((p, i) => (p.index = i));

  // Workspace-level settings.
  for (const ws of workspaces) {
    if (rng.chance(0.6)) enableWsPackage(ws, rng);
    if (rng.chance(0.6)) ws.wsDeps = new Map();
    ws.lints = rng.chance(0.4);
    ws.profile = rng.chance(0.3);
    ws.defaultMembers = memberPkgs(ws).length >= 2 && rng.chance(0.3);
    if (ws.kind === 'virtual') ws.resolver = ws.wsPackage?.edition === '2024' ? '3' : rng.pick(['2', '2', '3']);
    else if (rng.chance(0.5)) ws.resolver = rng.pick(['2', '3']);
  }
  if (big) {
    if (!workspaces.some((w) => w.wsPackage)) enableWsPackage(rng.pick(workspaces), rng);
    if (!workspaces.some((w) => w.wsDeps)) rng.pick(workspaces).wsDeps = new Map();
    if (!workspaces.some((w) => w.lints)) rng.pick(workspaces).lints = true;
    if (!workspaces.some((w) => w.defaultMembers)) {
      const cands = workspaces.filter((w) => memberPkgs(w).length >= 2);
      if (cands.length) rng.pick(cands).defaultMembers = true;
    }
  }

  planTargets(pkgs, rng, big);
  planMetadata(pkgs, rng);
  planDeps(pkgs, workspaces, standalones, o, rng, big);
  return { workspaces, pkgs, standalones };
}

function memberPkgs(ws) {
  return ws.pkgs.filter((p) => p.role === 'member' || p.role === 'root' || p.role === 'implicit');
}

function enableWsPackage(ws, rng) {
  const edition = rng.pick(['2021', '2021', '2024', '2018']);
  ws.wsPackage = {
    version: rng.pick(['0.1.0', '0.2.0', '0.3.1', '1.0.0']),
    edition,
    license: rng.pick(['MIT', 'MIT OR Apache-2.0', 'Apache-2.0']),
    authors: ['Fixture Team <fixtures@example.com>'],
    description: `Crates of the ${ws.name} workspace`,
    'rust-version': edition === '2024' ? '1.85' : rng.pick(['1.74', '1.80']),
    repository: `https://example.com/${ws.name}`,
    homepage: 'https://example.com',
    keywords: ['fixture', ws.name],
    categories: ['development-tools'],
    publish: false,
  };
}

const INHERITABLE = ['version', 'edition', 'license', 'authors', 'description', 'rust-version', 'repository', 'homepage', 'keywords', 'categories', 'publish'];

function planTargets(pkgs, rng, big) {
  const inWs = (p) => p.role === 'member' || p.role === 'root';
  for (const p of pkgs) {
    if (p.role === 'vendor') continue;
    if (!inWs(p)) {
      p.test = rng.chance(0.2);
      continue;
    }
    if (p.role === 'root') p.lib = rng.weighted([['lib', 5], [null, 3]]);
    else p.lib = rng.weighted([['lib', 80], ['proc-macro', 5], ['cdylib', 4], ['staticlib', 3], [null, 8]]);
    if (p.lib === 'proc-macro') {
      p.test = rng.chance(0.3);
      continue;
    }
    if (p.lib === null) p.mainBin = true;
    else if (rng.chance(p.role === 'root' ? 0.5 : 0.12)) p.mainBin = true;
    if (p.lib && rng.chance(0.05)) p.libName = `${ident(p.name)}_lib`;
    p.binFile = rng.chance(0.08);
    p.binDir = rng.chance(0.05);
    p.explicitBin = rng.chance(0.05);
    if (p.lib && !p.mainBin && !p.binFile && !p.binDir && rng.chance(0.04)) p.autobinsFalse = true;
    p.example = rng.chance(0.12);
    p.test = rng.chance(0.2);
    p.bench = rng.chance(0.08);
    p.buildScript = rng.chance(0.08);
  }
  if (!big) return;
  // Force each target feature at least once on a plain member.
  const plain = () => pkgs.filter((p) => p.role === 'member' && p.lib === 'lib' && !p.libName && !p.mainBin && !p.binFile && !p.binDir && !p.explicitBin && !p.autobinsFalse && !p.example && !p.bench);
  const anyBinOk = () => pkgs.filter((p) => inWs(p) && p.lib !== 'proc-macro');
  const force = (has, cands, apply) => {
    if (pkgs.some(has)) return;
    const c = cands();
    if (c.length) apply(rng.pick(c));
  };
  force((p) => p.lib === 'proc-macro', plain, (p) => (p.lib = 'proc-macro'));
  force((p) => p.lib === 'cdylib', plain, (p) => (p.lib = 'cdylib'));
  force((p) => p.lib === 'staticlib', plain, (p) => (p.lib = 'staticlib'));
  force((p) => p.lib === null, plain, (p) => {
    p.lib = null;
    p.mainBin = true;
  });
  force((p) => p.libName, plain, (p) => (p.libName = `${ident(p.name)}_lib`));
  force((p) => p.autobinsFalse, plain, (p) => (p.autobinsFalse = true));
  force((p) => p.mainBin, () => anyBinOk().filter((p) => !p.autobinsFalse), (p) => (p.mainBin = true));
  force((p) => p.binFile, () => anyBinOk().filter((p) => !p.autobinsFalse), (p) => (p.binFile = true));
  force((p) => p.binDir, () => anyBinOk().filter((p) => !p.autobinsFalse), (p) => (p.binDir = true));
  force((p) => p.explicitBin, anyBinOk, (p) => (p.explicitBin = true));
  force((p) => p.example, anyBinOk, (p) => (p.example = true));
  force((p) => p.test, anyBinOk, (p) => (p.test = true));
  force((p) => p.bench, anyBinOk, (p) => (p.bench = true));
  force((p) => p.buildScript, anyBinOk, (p) => (p.buildScript = true));
}

function planMetadata(pkgs, rng) {
  for (const p of pkgs) {
    if (p.buildScript && rng.chance(0.3)) p.buildPath = 'build/main.rs';
    if (p.role === 'vendor') {
      p.edition = '2021';
      p.description = 'Vendored fork used through [patch.crates-io]';
      p.license = 'MIT OR Apache-2.0';
      continue;
    }
    const ws = p.ws;
    const member = p.role === 'member' || p.role === 'root' || p.role === 'implicit';
    if (member && ws.wsPackage && rng.chance(0.85)) {
      const fields = new Set(['version']);
      for (const f of INHERITABLE) if (rng.chance(0.6)) fields.add(f);
      p.inherit = INHERITABLE.filter((f) => fields.has(f));
    }
    const wp = ws?.wsPackage;
    if (p.inherit.includes('version')) p.version = wp.version;
    else p.version = rng.pick(['0.1.0', '0.2.3', '1.0.0', '0.0.7']);
    if (p.inherit.includes('edition')) p.edition = wp.edition;
    else if (p.inherit.includes('rust-version') && wp['rust-version'] !== '1.85') p.edition = rng.pick(['2018', '2021']);
    else p.edition = rng.pick(['2018', '2021', '2021', '2024']);
    if (!p.inherit.includes('rust-version') && rng.chance(0.2)) {
      p.rustVersion = p.edition === '2024' ? '1.85' : rng.pick(['1.74', '1.80']);
    }
    if (!p.inherit.includes('description') && rng.chance(0.5)) p.description = `The ${p.name} crate`;
    if (!p.inherit.includes('license') && rng.chance(0.5)) p.license = 'MIT';
    p.lints = member && ws.lints && rng.chance(0.7);
  }
}

function planDeps(pkgs, workspaces, standalones, o, rng, big) {
  const isMember = (p) => p.role === 'member' || p.role === 'root' || p.role === 'implicit';
  const pools = (p) => {
    const before = pkgs.slice(0, p.index).filter((q) => q.lib && q.role !== 'vendor');
    if (!isMember(p)) {
      // Excluded and standalone packages only depend on earlier standalone ones.
      return { same: before.filter((q) => q.role === 'standalone' && p.role === 'standalone'), other: [] };
    }
    return {
      same: before.filter((q) => q.ws === p.ws),
      other: before.filter((q) => (q.ws !== p.ws && (q.role === 'member' || q.role === 'root')) || q.role === 'standalone'),
    };
  };
  const has = (p, q) => p.deps.some((d) => d.target === q);
  const pickTarget = (p, pred = () => true, kind = 'normal') => {
    const { same, other } = pools(p);
    const host = kind === 'normal' ? isHostBuilt(pkgs, p) : undefined; // computed once per pick
    const ok = (q) => !has(p, q) && pred(q) && canAddEdge(pkgs, p, q, kind, host);
    const s = same.filter(ok);
    const x = other.filter(ok);
    if (!s.length && !x.length) return null;
    if (s.length && (!x.length || rng.chance(0.85))) return rng.pick(s);
    return rng.pick(x);
  };

  for (const p of pkgs) {
    if (p.role === 'vendor') continue;
    const nNormal = isMember(p) ? rng.weighted([[0, 15], [1, 30], [2, 30], [3, 20], [4, 5]]) : rng.weighted([[0, 2], [1, 1]]);
    for (let k = 0; k < nNormal; k++) {
      const t = pickTarget(p);
      if (!t) break;
      const d = pathDep(t, 'normal');
      if (isMember(p)) {
        if (p.ws.wsDeps && rng.chance(0.6)) d.via = 'workspace';
        if (rng.chance(0.08)) d.alias = 'auto';
        if (rng.chance(0.1)) d.optional = true;
        if (rng.chance(0.12)) d.features = ['auto'];
        if (rng.chance(0.08)) d.platform = 'cfg(unix)';
      }
      p.deps.push(d);
    }
    if (!isMember(p)) continue;
    if (rng.chance(0.25)) {
      const t = pickTarget(p, undefined, 'dev');
      if (t) p.deps.push(pathDep(t, 'dev', { via: p.ws.wsDeps && rng.chance(0.4) ? 'workspace' : 'path', platform: rng.chance(0.15) ? 'x86_64-unknown-linux-gnu' : null }));
    }
    if (p.buildScript && rng.chance(0.6)) {
      const t = pickTarget(p, (q) => q.lib !== 'proc-macro', 'build');
      if (t) p.deps.push(pathDep(t, 'build'));
    }
    if (o.externalDeps && rng.chance(0.2)) {
      for (const r of rng.subset(REGISTRY, 1).slice(0, 2)) {
        const d = { target: null, crate: r.name, req: r.req, kind: rng.chance(0.8) ? 'normal' : 'dev', via: 'path', alias: null, optional: false, features: [], platform: r.platform ?? null, featureName: null };
        if (d.kind === 'normal' && r.features && rng.chance(0.5)) d.features = r.features.slice();
        if (p.ws.wsDeps && rng.chance(0.5)) d.via = 'workspace';
        if (d.kind === 'normal' && rng.chance(0.15)) d.optional = true;
        p.deps.push(d);
      }
    }
  }

  if (big) {
    const members = () => pkgs.filter((p) => p.role === 'member' || p.role === 'root');
    const tryForce = (feature, present, make) => {
      if (present()) return;
      for (const p of rng.shuffle(members())) if (make(p)) return;
    };
    const addPath = (p, pred, extra) => {
      const t = pickTarget(p, pred, extra.kind ?? 'normal');
      if (!t) return false;
      p.deps.push(pathDep(t, extra.kind ?? 'normal', extra));
      return true;
    };
    const anyDep = (f) => pkgs.some((p) => p.deps.some(f));
    tryForce('workspace-dep-inherit', () => anyDep((d) => d.via === 'workspace' && d.optional && d.features.length && d.target), (p) => {
      if (!p.ws.wsDeps) return false;
      return addPath(p, () => true, { via: 'workspace', optional: true, features: ['auto'] });
    });
    tryForce('renamed-dep', () => anyDep((d) => d.alias && d.target), (p) => addPath(p, () => true, { alias: 'auto' }));
    tryForce('dev-dependencies', () => anyDep((d) => d.kind === 'dev' && d.target), (p) => addPath(p, () => true, { kind: 'dev' }));
    tryForce('target-cfg-deps', () => anyDep((d) => d.platform === 'cfg(unix)' && d.target), (p) => addPath(p, () => true, { platform: 'cfg(unix)' }));
    tryForce('target-triple-dev-deps', () => anyDep((d) => d.platform === 'x86_64-unknown-linux-gnu'), (p) => addPath(p, () => true, { kind: 'dev', platform: 'x86_64-unknown-linux-gnu' }));
    tryForce('build-dependencies', () => anyDep((d) => d.kind === 'build'), (p) => {
      if (p.lib === 'proc-macro' && !p.buildScript) return false;
      if (!addPath(p, (q) => q.lib !== 'proc-macro', { kind: 'build' })) return false;
      p.buildScript = true;
      return true;
    });
    tryForce('optional-dep', () => anyDep((d) => d.optional && d.target), (p) => addPath(p, () => true, { optional: true }));
    tryForce('dep-features', () => anyDep((d) => d.features.length && d.target), (p) => addPath(p, () => true, { features: ['auto'] }));
    if (workspaces.length > 1) {
      tryForce('cross-workspace-dep', () => pkgs.some((p) => p.deps.some((d) => d.target && d.target.ws && p.ws && d.target.ws !== p.ws && d.target.role !== 'standalone')), (p) =>
        addPath(p, (q) => q.ws !== p.ws && (q.role === 'member' || q.role === 'root'), {}),
      );
    }
    if (standalones.length) {
      tryForce('standalone-dep', () => anyDep((d) => d.target?.role === 'standalone'), (p) => addPath(p, (q) => q.role === 'standalone', {}));
    }
    for (const role of ['excluded-ws', 'excluded']) {
      tryForce(`dep-on-${role}`, () => anyDep((d) => d.target?.role === role), (p) => addPath(p, (q) => q.role === role, {}));
    }
    if (o.externalDeps) {
      tryForce('registry-dep', () => anyDep((d) => d.crate), (p) => {
        const r = REGISTRY[0];
        p.deps.push({ target: null, crate: r.name, req: r.req, kind: 'normal', via: 'path', alias: null, optional: false, features: [], platform: null, featureName: null });
        return true;
      });
    }
  }

  // Patched crate: some member of the patching workspace uses it from crates.io.
  for (const ws of workspaces) {
    if (!ws.patch) continue;
    const users = memberPkgs(ws).filter((p) => p.role !== 'implicit');
    if (!users.length || users.some((p) => p.deps.some((d) => d.crate === VENDOR_CRATE.name))) continue;
    const p = rng.pick(users);
    p.deps.push({ target: null, crate: VENDOR_CRATE.name, req: '1', kind: 'normal', via: 'path', alias: null, optional: false, features: [], platform: null, featureName: null });
  }

  // Implicit members must be reached by a plain path dep from a later member.
  for (const q of pkgs.filter((p) => p.role === 'implicit')) {
    const plainDep = (p) => p.deps.find((d) => d.target === q);
    const ok = q.ws.pkgs.some((p) => (p.role === 'member' || p.role === 'root') && plainDep(p) && isPlainPath(plainDep(p)));
    if (ok) continue;
    const later = q.ws.pkgs.filter((p) => (p.role === 'member' || p.role === 'root') && p.index > q.index && (plainDep(p)?.kind === 'normal' || canAddEdge(pkgs, p, q, 'normal')));
    if (later.length) {
      const p = rng.pick(later);
      const existing = plainDep(p);
      if (existing) Object.assign(existing, { kind: 'normal', via: 'path', alias: null, optional: false, platform: null });
      else p.deps.push(pathDep(q, 'normal'));
    } else {
      // Nobody can depend on it: make it an ordinary literal member.
      q.role = 'member';
      q.group = 'literal';
      if (!q.ws.groups.includes('literal')) q.ws.groups.push('literal');
    }
  }

  finishDeps(pkgs, rng);
}

// Crates with a cdylib or staticlib crate type get no hash in their output file
// names, so cargo cannot build one twice in one target dir. Without --target,
// host (build-dependency, proc-macro) and target artifacts share target/debug/deps:
// a cdylib reachable from a build script or proc macro collides with itself
// ("output filename collision", then E0460). So no such crate is ever host-built.
// Host-built: build-dependencies, proc macros, and every dependency of a proc
// macro including its dev-dependencies (its test harness is built for the host),
// and their normal and build dependencies, transitively.
const hostEdges = (x) => x.deps.filter((d) => d.target && d.kind !== 'dev');
const isDylibLike = (x) => x.lib === 'cdylib' || x.lib === 'staticlib';

function closureHasDylib(t) {
  const seen = new Set();
  const walk = (x) => {
    if (seen.has(x)) return false;
    seen.add(x);
    return isDylibLike(x) || hostEdges(x).some((d) => walk(d.target));
  };
  return walk(t);
}

/** True when p (and so its normal and build deps) is compiled for the host. */
function isHostBuilt(pkgs, p) {
  if (p.lib === 'proc-macro') return true;
  const users = new Map(); // target -> [{ from, kind }]
  for (const q of pkgs) {
    for (const d of q.deps) {
      if (!d.target || (d.kind === 'dev' && q.lib !== 'proc-macro')) continue;
      if (!users.has(d.target)) users.set(d.target, []);
      users.get(d.target).push({ from: q, kind: d.kind });
    }
  }
  const seen = new Set();
  const host = (x) => {
    if (x.lib === 'proc-macro') return true;
    if (seen.has(x)) return false;
    seen.add(x);
    return (users.get(x) ?? []).some((u) => u.kind === 'build' || u.from.lib === 'proc-macro' || host(u.from));
  };
  return host(p);
}

function canAddEdge(pkgs, p, t, kind, hostKnown) {
  if (kind === 'dev' && p.lib !== 'proc-macro') return true;
  const host = kind !== 'normal' || (hostKnown ?? isHostBuilt(pkgs, p));
  return !host || !closureHasDylib(t);
}

function isPlainPath(d) {
  return d.kind === 'normal' && d.via === 'path' && !d.alias && !d.optional && !d.platform;
}

/** Resolve 'auto' aliases and features, optional-dep feature names, ws deps tables. */
function finishDeps(pkgs, rng) {
  for (const p of pkgs) {
    // Only one entry per (table, key); the same package never twice.
    const seen = new Set();
    p.deps = p.deps.filter((d) => {
      const k = d.target ? `t:${d.target.name}` : `c:${d.crate}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const keys = new Set(p.deps.map((d) => (d.target ? d.target.name : d.crate)));
    for (const d of p.deps) {
      if (d.kind !== 'normal') d.optional = false;
      if (d.alias === 'auto') {
        const base = d.target.name.split(/[-_]/).pop();
        let alias = `${base}-alias`;
        for (let n = 2; keys.has(alias); n++) alias = `${base}-alias${n}`;
        keys.add(alias);
        d.alias = alias;
      }
      if (d.target && d.features.includes('auto')) {
        const t = d.target;
        if (!t.features.has('extra')) t.features.set('extra', []);
        if (!t.features.has('fast')) t.features.set('fast', []);
        d.features = rng.subset(['extra', 'fast'], 1).sort();
      }
    }
    for (const d of p.deps) {
      if (!d.optional) continue;
      const key = depKey(d);
      if (p.edition === '2024' || rng.chance(0.5)) {
        d.featureName = `with-${key}`;
        p.features.set(d.featureName, [`dep:${key}`]);
        if (rng.chance(0.3)) p.features.set('default', [...(p.features.get('default') ?? []), d.featureName]);
      } else {
        d.featureName = key; // implicit feature of an optional dependency (edition < 2024)
      }
    }
    // Workspace dependency tables.
    for (const d of p.deps) {
      if (d.via !== 'workspace') continue;
      const table = p.ws?.wsDeps;
      if (!table || !(p.role === 'member' || p.role === 'root' || p.role === 'implicit')) {
        d.via = 'path';
        continue;
      }
      const key = depKey(d);
      const prev = table.get(key);
      if (prev && (prev.target !== d.target || prev.crate !== d.crate)) {
        d.via = 'path';
        continue;
      }
      if (!prev) table.set(key, { target: d.target, crate: d.crate, req: d.req, alias: d.alias, version: d.target && rng.chance(0.3) });
    }
  }
}

// ---------------------------------------------------------------------------
// Rendering

const q = (s) => JSON.stringify(s);
const arr = (a) => `[${a.map(q).join(', ')}]`;

function inlineTable(entries) {
  return `{ ${entries.map(([k, v]) => `${k} = ${v}`).join(', ')} }`;
}

function platformCfg(platform) {
  if (platform === 'cfg(unix)') return 'unix';
  if (platform === 'x86_64-unknown-linux-gnu') return 'all(target_arch = "x86_64", target_os = "linux", target_env = "gnu")';
  throw new Error(`unknown platform ${platform}`);
}

function depLine(p, d) {
  const key = depKey(d);
  const e = [];
  if (d.via === 'workspace') {
    e.push(['workspace', 'true']);
  } else if (d.target) {
    if (d.alias) e.push(['package', q(d.target.name)]);
    e.push(['path', q(relPath(p.dir, d.target.dir))]);
  } else {
    if (!d.optional && !d.features.length) return `${key} = ${q(d.req)}`;
    e.push(['version', q(d.req)]);
  }
  if (d.features.length) e.push(['features', arr(d.features)]);
  if (d.optional) e.push(['optional', 'true']);
  if (e.length === 1 && d.via === 'workspace') return `${key}.workspace = true`;
  return `${key} = ${inlineTable(e)}`;
}

function renderPackageSection(p) {
  const lines = ['[package]', `name = ${q(p.name)}`];
  const inh = new Set(p.inherit);
  const field = (name, own) => {
    if (inh.has(name)) lines.push(`${name}.workspace = true`);
    else if (own !== null && own !== undefined) lines.push(`${name} = ${own}`);
  };
  if (p.role === 'excluded-ws') lines.push('version.workspace = true');
  else field('version', q(p.version));
  field('edition', q(p.edition));
  field('rust-version', p.rustVersion ? q(p.rustVersion) : null);
  field('license', p.license ? q(p.license) : null);
  field('authors', null);
  field('description', p.description ? q(p.description) : null);
  for (const f of ['repository', 'homepage', 'keywords', 'categories', 'publish']) field(f, null);
  if (p.role === 'excluded-ws') lines.push('authors.workspace = true');
  if (p.autobinsFalse) lines.push('autobins = false');
  if (p.buildScript && p.buildPath) lines.push(`build = ${q(p.buildPath)}`);
  return lines.join('\n');
}

function renderManifest(p, wsSection) {
  const out = [renderPackageSection(p)];
  if (p.lib === 'proc-macro' || p.lib === 'cdylib' || p.lib === 'staticlib' || p.libName) {
    const l = ['[lib]'];
    if (p.libName) l.push(`name = ${q(p.libName)}`);
    if (p.lib === 'proc-macro') l.push('proc-macro = true');
    if (p.lib === 'cdylib') l.push('crate-type = ["cdylib", "rlib"]');
    if (p.lib === 'staticlib') l.push('crate-type = ["staticlib", "rlib"]');
    out.push(l.join('\n'));
  }
  for (const b of explicitBins(p)) out.push(`[[bin]]\nname = ${q(b.name)}\npath = ${q(b.path)}`);
  if (p.bench) out.push(`[[bench]]\nname = ${q(`${ident(p.name)}_bench`)}\nharness = false`);
  if (p.features.size) {
    const f = ['[features]'];
    const names = [...p.features.keys()].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : 1));
    for (const n of names) f.push(`${/^[A-Za-z0-9_-]+$/.test(n) ? n : q(n)} = ${arr(p.features.get(n))}`);
    out.push(f.join('\n'));
  }
  const tables = new Map();
  for (const d of p.deps) {
    const kind = d.kind === 'normal' ? 'dependencies' : d.kind === 'dev' ? 'dev-dependencies' : 'build-dependencies';
    const header = d.platform ? `[target.${d.platform.startsWith('cfg(') ? `'${d.platform}'` : d.platform}.${kind}]` : `[${kind}]`;
    if (!tables.has(header)) tables.set(header, []);
    tables.get(header).push(depLine(p, d));
  }
  const order = (h) => (h.startsWith('[target') ? 3 : h.includes('dev-') ? 1 : h.includes('build-') ? 2 : 0);
  for (const h of [...tables.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))) out.push([h, ...tables.get(h)].join('\n'));
  if (p.lints) out.push('[lints]\nworkspace = true');
  if (wsSection) out.push(wsSection);
  return out.join('\n\n') + '\n';
}

function explicitBins(p) {
  const bins = [];
  if (p.explicitBin) bins.push({ name: `${p.name}-admin`, path: 'cli/admin.rs' });
  if (p.autobinsFalse) bins.push({ name: `${p.name}-cli`, path: 'src/cli/main.rs' });
  return bins;
}

function renderWorkspaceSection(ws, ctx) {
  const out = [];
  const w = ['[workspace]'];
  if (ws.resolver) w.push(`resolver = ${q(ws.resolver)}`);
  const members = [];
  const exclude = [];
  for (const g of ws.groups) {
    if (g === 'glob') members.push('crates/*');
    if (g === 'glob-nested') members.push('libs/*/*');
    if (g === 'literal') for (const p of ws.pkgs) if (p.role === 'member' && p.group === 'literal') members.push(p.rel);
  }
  for (const p of ws.pkgs) if (p.role === 'excluded-ws' || p.role === 'excluded' || p.role === 'vendor') exclude.push(p.rel);
  exclude.push(...ws.extraExclude);
  if (members.length || ws.kind === 'virtual') w.push(`members = ${arr(members)}`);
  if (exclude.length) w.push(`exclude = ${arr(exclude)}`);
  if (ws.defaultMembers) {
    const cands = ws.pkgs.filter((p) => p.role === 'member' || p.role === 'root');
    const chosen = ctx.rng.subset(cands, 1).slice(0, 3).sort((a, b) => a.index - b.index);
    w.push(`default-members = ${arr(chosen.map((p) => (p.role === 'root' ? '.' : p.rel)))}`);
  }
  out.push(w.join('\n'));
  if (ws.wsPackage) {
    const l = ['[workspace.package]'];
    for (const [k, v] of Object.entries(ws.wsPackage)) l.push(`${k} = ${Array.isArray(v) ? arr(v) : typeof v === 'string' ? q(v) : String(v)}`);
    out.push(l.join('\n'));
  }
  if (ws.wsDeps && ws.wsDeps.size) {
    const l = ['[workspace.dependencies]'];
    for (const [key, e] of [...ws.wsDeps.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (e.target) {
        const ent = [];
        if (e.alias) ent.push(['package', q(e.target.name)]);
        ent.push(['path', q(relPath(ws.dir, e.target.dir))]);
        if (e.version) ent.push(['version', q(e.target.version)]);
        l.push(`${key} = ${inlineTable(ent)}`);
      } else {
        l.push(ctx.rng.chance(0.5) ? `${key} = ${q(e.req)}` : `${key} = ${inlineTable([['version', q(e.req)], ['default-features', 'false']])}`);
      }
    }
    out.push(l.join('\n'));
  }
  if (ws.lints) out.push('[workspace.lints.rust]\nunsafe_code = "forbid"\n\n[workspace.lints.clippy]\ndbg_macro = "warn"');
  if (ws.patch) {
    const v = ws.pkgs.find((p) => p.role === 'vendor');
    out.push(`[patch.crates-io]\n${VENDOR_CRATE.name} = ${inlineTable([['path', q(v.rel)]])}`);
  }
  if (ws.profile) out.push('[profile.dev]\ndebug = 1\n\n[profile.release]\nopt-level = 2\ncodegen-units = 4');
  return out.join('\n\n');
}

// --- Rust sources ----------------------------------------------------------

function externName(d) {
  return d.alias ? ident(d.alias) : libIdent(d.target);
}

/** Statements that fold the given dependencies into `v: u64`. */
function usage(p, kinds, indent) {
  const lines = [];
  let called = false;
  for (const d of p.deps) {
    if (!d.target || !kinds.includes(d.kind)) continue;
    const ext = externName(d);
    const cfgs = [];
    if (d.platform) cfgs.push(platformCfg(d.platform));
    if (d.optional) cfgs.push(`feature = ${q(d.featureName)}`);
    let stmt;
    if (d.target.lib === 'proc-macro') stmt = `v = v.wrapping_add(${ext}::answer!());`;
    else if (!called && !cfgs.length) {
      // One real call per crate keeps value() linear in the graph depth.
      stmt = `v = v.wrapping_add(${ext}::value());`;
      called = true;
    } else stmt = `let _: fn() -> u64 = ${ext}::value;`;
    if (cfgs.length) {
      lines.push(`${indent}#[cfg(${cfgs.length > 1 ? `all(${cfgs.join(', ')})` : cfgs[0]})]`);
      lines.push(`${indent}{`, `${indent}    ${stmt}`, `${indent}}`);
    } else lines.push(`${indent}${stmt}`);
  }
  return lines;
}

function foldBody(p, kinds, indent, start) {
  return [`${indent}#[allow(unused_mut)]`, `${indent}let mut v: u64 = ${start};`, ...usage(p, kinds, indent)];
}

function featureItems(p) {
  const lines = [];
  for (const f of [...p.features.keys()].filter((f) => f !== 'default' && !f.startsWith('with-')).sort()) {
    if (p.lib === 'proc-macro') lines.push(`#[cfg(feature = ${q(f)})]`, 'const _: () = ();');
    else lines.push(`/// Present when the \`${f}\` feature is on.`, `#[cfg(feature = ${q(f)})]`, `pub const FEATURE_${ident(f).toUpperCase()}: bool = true;`);
  }
  return lines;
}

function buildEnvItem(p) {
  return p.buildScript ? ['const _: &str = env!("FIXTURE_BUILD_VALUE");', ''] : [];
}

function renderLib(p) {
  const head = [`//! \`${p.name}\`: generated fixture crate.`, ''];
  if (p.lib === 'proc-macro') {
    return [
      ...head,
      'extern crate proc_macro;',
      '',
      'use proc_macro::TokenStream;',
      '',
      ...buildEnvItem(p),
      ...featureItems(p),
      'fn base() -> u64 {',
      ...foldBody(p, ['normal'], '    ', p.index + 1),
      '    v',
      '}',
      '',
      '/// Expands to a `u64` literal computed from this crate\'s dependencies.',
      '#[proc_macro]',
      'pub fn answer(_input: TokenStream) -> TokenStream {',
      '    format!("{}u64", base() % 1_000_000).parse().unwrap()',
      '}',
      '',
      '#[cfg(test)]',
      'mod tests {',
      '    #[test]',
      '    fn base_is_positive() {',
      '        assert!(super::base() > 0);',
      '    }',
      '}',
      '',
    ].join('\n');
  }
  const testBody = foldBody(p, ['dev'], '        ', 'super::value()');
  return [
    ...head,
    ...buildEnvItem(p),
    '/// Name of this package.',
    `pub const NAME: &str = ${q(p.name)};`,
    '',
    ...featureItems(p),
    '/// A value computed from this crate\'s dependencies.',
    'pub fn value() -> u64 {',
    ...foldBody(p, ['normal'], '    ', p.index + 1),
    '    v',
    '}',
    '',
    '#[cfg(test)]',
    'mod tests {',
    '    #[test]',
    '    fn value_is_positive() {',
    ...testBody,
    '        assert!(v > 0);',
    '    }',
    '}',
    '',
  ].join('\n');
}

function ownCall(p) {
  if (!p.lib) return null;
  return p.lib === 'proc-macro' ? `${libIdent(p)}::answer!()` : `${libIdent(p)}::value()`;
}

function renderMain(p, label) {
  if (p.lib) return [`fn main() {`, `    println!("{} {}", ${q(label)}, ${ownCall(p)});`, '}', ''].join('\n');
  return [
    ...buildEnvItem(p),
    'fn main() {',
    ...foldBody(p, ['normal'], '    ', p.index + 1),
    `    println!("{} {}", ${q(label)}, v);`,
    '}',
    '',
  ].join('\n');
}

function renderBuildScript(p) {
  return [
    'fn main() {',
    `    println!("cargo:rerun-if-changed=${p.buildPath ?? 'build.rs'}");`,
    ...foldBody(p, ['build'], '    ', 1),
    '    println!("cargo:rustc-env=FIXTURE_BUILD_VALUE={}", v);',
    '}',
    '',
  ].join('\n');
}

function renderIntegrationTest(p) {
  const body = [];
  if (p.lib === 'proc-macro') body.push(`    let v: u64 = ${ownCall(p)};`, '    assert!(v > 0);');
  else if (p.lib) body.push(`    assert!(${ownCall(p)} > 0);`);
  else if (p.mainBin) body.push(`    let exe = env!(${q(`CARGO_BIN_EXE_${p.name}`)});`, '    assert!(!exe.is_empty());');
  else body.push('    assert_eq!(2 + 2, 4);');
  return ['#[test]', 'fn works() {', ...body, '}', ''].join('\n');
}

function renderPackageFiles(p, write, wsSection) {
  write(`${p.dir}/Cargo.toml`, renderManifest(p, wsSection));
  if (p.lib) write(`${p.dir}/src/lib.rs`, renderLib(p));
  if (p.mainBin) write(`${p.dir}/src/main.rs`, renderMain(p, p.name));
  if (p.binFile) write(`${p.dir}/src/bin/${p.name}-tool.rs`, renderMain(p, `${p.name}-tool`));
  if (p.binDir) {
    write(`${p.dir}/src/bin/${p.name}-daemon/main.rs`, ['mod util;', '', renderMain(p, `${p.name}-daemon`).replace('println!', 'util::log();\n    println!')].join('\n'));
    write(`${p.dir}/src/bin/${p.name}-daemon/util.rs`, 'pub fn log() {\n    eprintln!("daemon starting");\n}\n');
  }
  for (const b of explicitBins(p)) write(`${p.dir}/${b.path}`, renderMain(p, b.name));
  if (p.autobinsFalse) {
    // Not a target: autobins = false stops cargo from discovering it.
    write(`${p.dir}/src/bin/${p.name}-stray.rs`, 'fn main() {\n    println!("never built: autobins = false");\n}\n');
  }
  if (p.buildScript) write(`${p.dir}/${p.buildPath ?? 'build.rs'}`, renderBuildScript(p));
  if (p.example) write(`${p.dir}/examples/${ident(p.name)}_demo.rs`, p.lib ? `fn main() {\n    println!("{}", ${ownCall(p)});\n}\n` : 'fn main() {\n    println!("demo");\n}\n');
  if (p.test) write(`${p.dir}/tests/integration.rs`, renderIntegrationTest(p));
  if (p.bench) {
    const call = p.lib ? ownCall(p) : '1u64';
    write(`${p.dir}/benches/${ident(p.name)}_bench.rs`, `fn main() {\n    let start = std::time::Instant::now();\n    let v: u64 = ${call};\n    println!("{} {:?}", v, start.elapsed());\n}\n`);
  }
}

// ---------------------------------------------------------------------------
// Features actually present in a plan

function computeFeatures(plan) {
  const f = Object.fromEntries(FEATURES.map((k) => [k, 0]));
  const inc = (k, n = 1) => (f[k] += n);
  for (const ws of plan.workspaces) {
    const regular = ws.pkgs.filter((p) => p.role === 'member');
    if (ws.kind === 'virtual') inc('virtual-manifest');
    if (ws.kind === 'root' && memberPkgs(ws).length > 1) inc('root-package');
    if (ws.dir === '.') inc('repo-root-workspace');
    if (ws.groups.includes('glob') && regular.some((p) => p.group === 'glob')) inc('members-glob');
    if (ws.groups.includes('glob-nested') && regular.some((p) => p.group === 'glob-nested')) inc('members-glob-nested');
    if (regular.some((p) => p.group === 'literal')) inc('members-literal');
    if (ws.defaultMembers) inc('default-members');
    if (ws.wsPackage) inc('workspace-package');
    if (ws.wsDeps && ws.wsDeps.size) inc('workspace-dependencies');
    if (ws.lints && ws.pkgs.some((p) => p.lints)) inc('workspace-lints');
    if (ws.patch) inc('patch-crates-io');
  }
  for (const p of plan.pkgs) {
    const depth = p.ws && p.role !== 'standalone' ? relPath(p.ws.dir, p.dir).split('/').length : 0;
    if (depth >= 3 && p.dir !== p.ws?.dir) inc('nested-folders');
    if (p.role === 'excluded-ws') inc('exclude-nested-workspace');
    if (p.role === 'excluded') inc('exclude-standalone');
    if (p.role === 'implicit') inc('implicit-member');
    if (p.role === 'standalone') inc('standalone-package');
    if (p.dirDiffers) inc('dir-name-differs');
    if (p.inherit.length) inc('inherit-fields');
    for (const d of p.deps) {
      if (d.via === 'workspace' && d.optional && d.features.length) inc('workspace-dep-inherit');
      if (d.alias) inc('renamed-dep');
      if (d.optional) inc('optional-dep');
      if (d.target && d.features.length) inc('dep-features');
      if (d.kind === 'dev') inc('dev-dependencies');
      if (d.kind === 'build') inc('build-dependencies');
      if (d.platform === 'cfg(unix)') inc('target-cfg-deps');
      if (d.platform === 'x86_64-unknown-linux-gnu') inc('target-triple-dev-deps');
      if (d.crate) inc('registry-dep');
      if (d.target?.role === 'standalone') inc('standalone-dep');
      else if (d.target && p.ws && d.target.ws !== p.ws && (d.target.role === 'member' || d.target.role === 'root')) inc('cross-workspace-dep');
    }
    if (p.buildScript) inc('build-script');
    if (p.mainBin) inc('bin-main');
    if (p.binFile) inc('bin-file');
    if (p.binDir) inc('bin-dir');
    if (p.explicitBin || p.autobinsFalse) inc('bin-explicit-path');
    if (p.autobinsFalse) inc('autobins-false');
    if (!p.lib) inc('bin-only');
    if (p.libName) inc('lib-custom-name');
    if (p.lib === 'proc-macro') inc('proc-macro');
    if (p.lib === 'cdylib') inc('cdylib');
    if (p.lib === 'staticlib') inc('staticlib');
    if (p.example) inc('example');
    if (p.test) inc('test');
    if (p.bench) inc('bench');
  }
  return f;
}

// ---------------------------------------------------------------------------
// Entry point

/**
 * Write a tree of Cargo workspaces into `dir`.
 *
 * @param {string} dir target directory; created if missing, must be empty unless `clean`.
 * @param {object} [options]
 * @param {number} [options.crates=20] total number of packages.
 * @param {number|string} [options.seed=1] PRNG seed; same seed, same tree.
 * @param {number} [options.workspaces=1] independent workspaces (variety only);
 *   when > 1, two standalone packages are added too.
 * @param {boolean} [options.variety=true] false: one virtual workspace at `dir`,
 *   members = ["crates/*"], plain libs with path deps only.
 * @param {boolean} [options.externalDeps=true] false: no crates.io deps, no [patch].
 * @param {boolean} [options.clean=false] remove `dir` first.
 * @returns {{
 *   roots: string[],
 *   packages: {name: string, dir: string, root: string, role: string, lib: string|null,
 *              dependencies: {name: string, kind: string, target: string|null, optional: boolean, rename: string|null}[],
 *              external: {name: string, req: string, kind: string}[]}[],
 *   workspaces: {root: string, kind: string, members: string[]}[],
 *   features: Record<string, number>,
 *   options: object,
 * }}
 */
export function generateRepo(dir, options = {}) {
  const o = normalizeOptions(options);
  const rng = new Rng(o.seed);
  const plan = o.variety ? planVariety(o, rng) : planSimple(o, rng);

  if (options.clean) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length) throw new Error(`generateRepo: ${dir} is not empty (pass clean: true to replace it)`);
  const write = (rel, content) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };

  write('.gitignore', 'target/\n');
  const ctx = { rng };
  const rootOf = new Map();
  const roots = [];
  for (const ws of plan.workspaces) {
    const section = renderWorkspaceSection(ws, ctx);
    if (ws.rootPkg) renderPackageFiles(ws.rootPkg, write, section);
    else write(`${ws.dir}/Cargo.toml`, section + '\n');
    roots.push(ws.dir);
    for (const p of memberPkgs(ws)) rootOf.set(p, ws.dir);
  }
  for (const p of plan.pkgs) {
    if (p.role === 'root') continue;
    let section = null;
    if (p.role === 'excluded-ws') section = `[workspace]\nresolver = "2"\n\n[workspace.package]\nversion = ${q(p.version)}\nauthors = ["Nested Team <nested@example.com>"]`;
    renderPackageFiles(p, write, section);
    if (!rootOf.has(p)) {
      rootOf.set(p, p.dir);
      roots.push(p.dir);
    }
  }

  const byIndex = plan.pkgs.slice().sort((a, b) => a.index - b.index);
  return {
    roots,
    packages: byIndex.map((p) => ({
      name: p.name,
      dir: p.dir,
      root: rootOf.get(p),
      role: p.role,
      lib: p.lib,
      dependencies: p.deps.filter((d) => d.target).map((d) => ({ name: d.target.name, kind: d.kind, target: d.platform, optional: d.optional, rename: d.alias })),
      external: p.deps.filter((d) => d.crate).map((d) => ({ name: d.crate, req: d.req, kind: d.kind })),
    })),
    workspaces: plan.workspaces.map((ws) => ({ root: ws.dir, kind: ws.kind, members: memberPkgs(ws).map((p) => p.name) })),
    features: o.variety ? computeFeatures(plan) : {},
    options: o,
  };
}

// ---------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = {};
  let dir = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--crates') opts.crates = Number(val());
    else if (a === '--seed') {
      const v = val();
      opts.seed = /^\d+$/.test(v) ? Number(v) : v;
    } else if (a === '--workspaces') opts.workspaces = Number(val());
    else if (a === '--simple') opts.variety = false;
    else if (a === '--no-external-deps') opts.externalDeps = false;
    else if (a === '--clean') opts.clean = true;
    else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') return { help: true };
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (dir === null) dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  return { dir, opts, json };
}

const USAGE = `usage: node tools/generate/cargo-workspace.mjs <dir> [--crates N] [--seed S]
       [--workspaces W] [--simple] [--no-external-deps] [--clean] [--json]`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { dir, opts, json, help } = parseArgs(process.argv.slice(2));
    if (help || !dir) {
      console.log(USAGE);
      process.exit(help ? 0 : 2);
    }
    const summary = generateRepo(dir, opts);
    if (json) console.log(JSON.stringify(summary, null, 2));
    else {
      const present = Object.entries(summary.features).filter(([, n]) => n > 0).map(([k]) => k);
      console.log(`wrote ${summary.packages.length} packages in ${summary.roots.length} cargo roots to ${dir}`);
      for (const r of summary.roots) console.log(`  root ${r}`);
      if (present.length) console.log(`features: ${present.join(', ')}`);
    }
  } catch (err) {
    console.error(err.message);
    console.error(USAGE);
    process.exit(1);
  }
}
