import { hash } from 'blake3';
import { parse, TomlError } from 'smol-toml';
import { LockfileError } from './errors.js';
import { NodeMask, Reachability } from './reachability.js';

/** One `[[package]]` entry of a Cargo.lock. */
export interface LockPackage {
  name: string;
  version: string;
  /**
   * e.g. "registry+https://github.com/rust-lang/crates.io-index", "git+https://...#rev";
   * absent for path/workspace packages.
   */
  source?: string;
  checksum?: string;
  /** Raw lock strings: "name" | "name version" | "name version (source)". */
  dependencies: string[];
  /** Raw lock string of the package a `[replace]` entry swaps this one for. */
  replace?: string;
}

/** A parsed Cargo.lock; treat it as immutable, since lookups are cached per object. */
export interface Lockfile {
  file: string;
  version: number;
  packages: LockPackage[];
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const packageHeader = /^\s*\[\[\s*package\s*\]\]/;

const regenerate = 'restore it from version control, or let cargo rewrite it with `cargo update -w`';

/**
 * Parses Cargo.lock text; `file` is repo-relative and only used in errors.
 * Versions 3 and 4 are read, and so is version 2 (no `version` key): the three
 * differ only in ways the reference resolution below already handles. Version 1
 * keeps checksums under `[metadata]` and is rejected, since its package hashes
 * would silently lack checksums.
 */
export function parseLockfile(file: string, text: string): Lockfile {
  let doc: Table;
  try {
    doc = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new LockfileError({ file, line: error.line, column: error.column }, `invalid TOML: ${reason}`);
    }
    throw error;
  }

  const version = lockVersion(file, text, doc);
  const entries = doc.package ?? [];
  if (!Array.isArray(entries)) {
    const line = lineOf(text, /^\s*package\s*=/);
    throw new LockfileError({ file, line }, '`package` must be a list of [[package]] tables');
  }

  const packages = entries.map((entry: unknown, index) =>
    readPackage(entry, (reason) => {
      throw new LockfileError({ file, line: lineOf(text, packageHeader, index) }, `${reason}; ${regenerate}`);
    }),
  );

  // Cargo refuses a lockfile that lists one package twice; so do we, since
  // references to it could then not be resolved.
  const seen = new Set<string>();
  const versionCounts = new Map<string, number>();
  packages.forEach((pkg, index) => {
    const key = lockPackageKey(pkg);
    if (seen.has(key)) {
      throw new LockfileError(
        { file, line: lineOf(text, packageHeader, index) },
        `package \`${pkg.name} ${pkg.version}\` is listed twice; ${regenerate}`,
      );
    }
    seen.add(key);
    const nameVersion = `${pkg.name}@${pkg.version}`;
    versionCounts.set(nameVersion, (versionCounts.get(nameVersion) ?? 0) + 1);
  });
  for (const pkg of packages) {
    if (versionCounts.get(`${pkg.name}@${pkg.version}`)! > 1) sharedNameVersion.add(pkg);
  }

  return { file, version, packages };
}

function lockVersion(file: string, text: string, doc: Table): number {
  const version = doc.version;
  if (version === undefined) {
    const metadata = doc.metadata;
    if (isTable(metadata) && Object.keys(metadata).some((key) => key.startsWith('checksum '))) {
      throw new LockfileError(
        { file, line: lineOf(text, /^\s*\[\s*metadata\s*\]/) },
        'this Cargo.lock uses format version 1 (checksums under [metadata]), which is not supported; ' +
          'run `cargo update -w` with a current cargo to rewrite it in a newer format',
      );
    }
    return 2;
  }
  // Like cargo, accept only the versions it writes with an explicit key.
  if (version === 3 || version === 4) return version;
  throw new LockfileError(
    { file, line: lineOf(text, /^\s*version\s*=/) },
    `unsupported lockfile version ${JSON.stringify(version)}; expected 3 or 4 (or no version key for version 2)`,
  );
}

function readPackage(entry: unknown, fail: (reason: string) => never): LockPackage {
  if (!isTable(entry)) return fail('[[package]] must be a table');
  const name = entry.name;
  if (typeof name !== 'string' || name === '') return fail('[[package]] has no `name`');
  const what = `[[package]] \`${name}\``;
  const optionalString = (key: string): string | undefined => {
    const value = entry[key];
    return value === undefined || typeof value === 'string' ? value : fail(`${what}: \`${key}\` must be a string`);
  };

  const version = optionalString('version');
  if (version === undefined || version === '') return fail(`${what} has no \`version\``);
  const dependencies = entry.dependencies ?? [];
  if (!Array.isArray(dependencies) || !dependencies.every((dep) => typeof dep === 'string')) {
    return fail(`${what}: \`dependencies\` must be a list of strings`);
  }

  const pkg: LockPackage = { name, version, dependencies };
  // Optional keys stay absent rather than `undefined`, so packages compare cleanly.
  for (const key of ['source', 'checksum', 'replace'] as const) {
    const value = optionalString(key);
    if (value !== undefined) pkg[key] = value;
  }
  return pkg;
}

/** 1-based line of the `nth` line matching `pattern` (0-based `nth`), for error locations. */
function lineOf(text: string, pattern: RegExp, nth = 0): number | undefined {
  let count = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (pattern.test(lines[i]) && count++ === nth) return i + 1;
  }
  return undefined;
}

/**
 * A git source carries its locked commit after `#`; cargo leaves that out of
 * references and compares sources without it.
 */
function withoutPrecise(source: string): string {
  const hashAt = source.indexOf('#');
  return hashAt === -1 ? source : source.slice(0, hashAt);
}

/**
 * Identity of a lock package across two versions of a lockfile: name,
 * version and source without a git source's locked commit (which is
 * content, not identity: a new commit of the same branch is a change of
 * that package). Path packages have an empty source part.
 */
export function lockPackageKey(pkg: LockPackage): string {
  return `${pkg.name} ${pkg.version} ${pkg.source === undefined ? '' : withoutPrecise(pkg.source)}`.trimEnd();
}

/** Packages whose name and version another package of the same lockfile shares. */
const sharedNameVersion = new WeakSet<LockPackage>();

/**
 * Key for a package: `name@version`, or cargo's full package id spec
 * `source#name@version` when another package in its lockfile has the same
 * name and version from another source. Packages not made by parseLockfile
 * always get `name@version`.
 */
export function lockPackageId(pkg: LockPackage): string {
  const short = `${pkg.name}@${pkg.version}`;
  return pkg.source !== undefined && sharedNameVersion.has(pkg) ? `${withoutPrecise(pkg.source)}#${short}` : short;
}

interface LockIndex {
  byName: Map<string, LockPackage[]>;
  /** The packages in name, version, source order; walks work on positions in it. */
  sorted: LockPackage[];
  position: Map<LockPackage, number>;
  resolved: Map<LockPackage, LockPackage[]>;
  /** Dependencies of `sorted[i]` as positions, filled in on first visit. */
  edges: (number[] | undefined)[];
  /** What each package reaches, built on the first closure asked for. */
  reach?: Reachability;
  /** The packages with a source. */
  external?: NodeMask;
}

/** Built once per Lockfile so that hundreds of closures do not rescan it. */
const indexes = new WeakMap<Lockfile, LockIndex>();

function indexOf(lock: Lockfile): LockIndex {
  let index = indexes.get(lock);
  if (!index) {
    const byName = new Map<string, LockPackage[]>();
    for (const pkg of lock.packages) {
      const named = byName.get(pkg.name);
      if (named) named.push(pkg);
      else byName.set(pkg.name, [pkg]);
    }
    const sorted = [...lock.packages].sort(comparePackages);
    const position = new Map(sorted.map((pkg, i) => [pkg, i]));
    index = { byName, sorted, position, resolved: new Map(), edges: [] };
    indexes.set(lock, index);
  }
  return index;
}

/**
 * Resolves each dependency string of `pkg` to the package it names, with
 * cargo's rules: a bare name when it is unique, "name version" when several
 * versions exist, "name version (source)" when one version comes from several
 * sources; without a source, a path package wins. A package that a `[replace]`
 * entry swaps out stands for its replacement, as in cargo's own resolve.
 */
export function resolveLockDependencies(lock: Lockfile, pkg: LockPackage): LockPackage[] {
  return [...resolvedDependencies(lock, indexOf(lock), pkg)];
}

function resolvedDependencies(lock: Lockfile, index: LockIndex, pkg: LockPackage): LockPackage[] {
  let deps = index.resolved.get(pkg);
  if (!deps) {
    deps = pkg.dependencies.map((reference) => {
      const target = resolveReference(lock, index, pkg, reference);
      return target.replace === undefined ? target : resolveReference(lock, index, target, target.replace);
    });
    index.resolved.set(pkg, deps);
  }
  return deps;
}

const referencePattern = /^([^ ]+)(?: ([^ ()]+)(?: \(([^ ]+)\))?)?$/;

function resolveReference(lock: Lockfile, index: LockIndex, from: LockPackage, reference: string): LockPackage {
  const fail = (why: string): never => {
    throw new LockfileError(
      { file: lock.file },
      `package \`${from.name} ${from.version}\` refers to "${reference}", which ${why}; ${regenerate}`,
    );
  };
  const match = referencePattern.exec(reference);
  if (!match) return fail('is not "name", "name version" or "name version (source)"');
  const [, name, version, source] = match;

  let candidates = index.byName.get(name) ?? [];
  if (version !== undefined) {
    candidates = candidates.filter((pkg) => pkg.version === version);
  } else if (new Set(candidates.map((pkg) => pkg.version)).size > 1) {
    return fail('is ambiguous: several versions have that name');
  }
  if (source !== undefined) {
    candidates = candidates.filter((pkg) => pkg.source !== undefined && withoutPrecise(pkg.source) === source);
  } else {
    // Path packages never carry a source in references, so a bare reference
    // means the path package whenever there is one.
    const pathPackages = candidates.filter((pkg) => pkg.source === undefined);
    if (pathPackages.length > 0) candidates = pathPackages;
  }
  if (candidates.length === 0) return fail('matches no package in the lockfile');
  if (candidates.length > 1) return fail('matches several packages in the lockfile');
  return candidates[0];
}

/**
 * The external crates (packages with a source) that the workspace package
 * `name` reaches, walking through path packages too; sorted by name, version,
 * source. [] when no path package of that name (and version) is in the lock.
 */
export function externalClosure(lock: Lockfile, name: string, version?: string): LockPackage[] {
  const index = indexOf(lock);
  const roots = (index.byName.get(name) ?? []).filter(
    (pkg) => pkg.source === undefined && (version === undefined || pkg.version === version),
  );
  if (roots.length === 0) return [];
  if (roots.length > 1) {
    const versions = roots.map((pkg) => pkg.version).join(', ');
    const reason = `several path packages are named \`${name}\` (${versions}); pass a version`;
    throw new LockfileError({ file: lock.file }, reason);
  }

  // One reachability for the whole lock serves every crate's closure; positions
  // are in name, version, source order, so the closure comes out sorted.
  index.reach ??= new Reachability(index.sorted.map((_, at) => edgesOf(lock, index, at)));
  index.external ??= new NodeMask(index.sorted.length, (at) => index.sorted[at].source !== undefined);
  return index.reach.reached(index.position.get(roots[0])!, index.external).map((at) => index.sorted[at]);
}

function edgesOf(lock: Lockfile, index: LockIndex, at: number): number[] {
  let edges = index.edges[at];
  if (!edges) {
    edges = resolvedDependencies(lock, index, index.sorted[at]).map((dep) => index.position.get(dep)!);
    index.edges[at] = edges;
  }
  return edges;
}

function comparePackages(a: LockPackage, b: LockPackage): number {
  return compare(a.name, b.name) || compare(a.version, b.version) || compare(a.source ?? '', b.source ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function blake3Hex(text: string): string {
  // Without an encoding option blake3 returns a Buffer; its type says Buffer | string.
  return (hash(text) as Buffer).toString('hex');
}

/** Fingerprints by package: 500 closures share most of their packages. */
const fingerprints = new WeakMap<LockPackage, string>();

/** What identifies a package's content; JSON keeps the fields unambiguous. */
function packageFingerprint(pkg: LockPackage): string {
  let fingerprint = fingerprints.get(pkg);
  if (fingerprint === undefined) {
    fingerprint = JSON.stringify([pkg.name, pkg.version, pkg.source ?? null, pkg.checksum ?? null]);
    fingerprints.set(pkg, fingerprint);
  }
  return fingerprint;
}

/** Stable blake3 hex digest of a set of lock packages, independent of their order. */
export function closureDigest(packages: LockPackage[]): string {
  return blake3Hex([...new Set(packages.map(packageFingerprint))].sort().join('\n'));
}

/** Hash of one external package for Nx external nodes: its checksum, else blake3 of name, version, source. */
export function lockPackageHash(pkg: LockPackage): string {
  // Debian's crate sources write a placeholder text where the sha256 belongs:
  // only a real checksum identifies the content on its own.
  if (pkg.checksum !== undefined && /^[0-9a-f]{64}$/.test(pkg.checksum)) return pkg.checksum;
  return blake3Hex(JSON.stringify([pkg.name, pkg.version, pkg.source ?? null, pkg.checksum ?? null]));
}
