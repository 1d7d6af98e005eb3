import { createHash } from 'node:crypto';
import type { LockPackage } from './lockfile.js';
import { closureDigest } from './lockfile.js';
import type { CargoPackage, CargoWorkspace } from './repository.js';
import { isTable, type TomlTable } from './toml.js';

/*
 * What of a Cargo workspace's shared files reaches one crate: its closure in
 * Cargo.lock, and from the root Cargo.toml what cargo applies to it or the
 * crate takes from there. Written as lines `<what> = <value>`, sorted and
 * stable, so that a change to anything else in those files changes none of
 * them, and a change to any of it changes one.
 */

export const PROFILE_NAMES = ['dev', 'test', 'release', 'bench'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The profiles a cargo command builds with, as cargo picks them: `dev` for
 * build, check, clippy, doc and run; `test` for test (which inherits `dev`);
 * with `--release`, `release`, and `bench` (inheriting `release`) for test.
 */
export const PROFILE_CHAIN: Readonly<Record<ProfileName, readonly ProfileName[]>> = {
  dev: ['dev'],
  test: ['test', 'dev'],
  release: ['release'],
  bench: ['bench', 'release'],
};

/** Longer values are written as their sha256 (128 bits of it), so that the lines stay short. */
const MAX_VALUE_LENGTH = 100;

/**
 * The crate's part: its external closure in Cargo.lock (one digest; without
 * `lockClosure`, a line saying the lock was not read), and from the
 * workspace's root manifest the resolver, `[patch]`/`[replace]` entries,
 * `cargo-features`, and what the crate inherits: `[workspace.package]`
 * fields, `[workspace.dependencies]` entries, `[workspace.lints]`. A crate
 * outside any workspace takes nothing from elsewhere.
 */
export function crateWorkspaceParts(pkg: CargoPackage, workspace: CargoWorkspace | undefined, lockClosure: LockPackage[] | undefined): string[] {
  const lines = [lockClosure === undefined ? 'Cargo.lock: not read' : `Cargo.lock: ${lockClosure.length} external packages, ${lockClosure.length === 0 ? 'none' : `blake3 ${closureDigest(lockClosure).slice(0, 32)}`}`];
  if (!workspace) return lines;
  const root = workspace.toml;
  lines.push(`resolver = ${valueText(effectiveResolver(workspace))}`);
  if (root['cargo-features'] !== undefined) lines.push(`cargo-features = ${valueText(root['cargo-features'])}`);
  for (const section of ['patch', 'replace'] as const) {
    const entries = flatten(root[section]);
    if (entries.length === 0) lines.push(`[${section}] none`);
    for (const [key, entry] of entries) lines.push(`[${section}] ${key} = ${valueText(entry)}`);
  }
  for (const field of pkg.inherits.fields) lines.push(`[workspace.package] ${field} = ${valueText(workspace.config.package[field])}`);
  const keys = [...new Set(pkg.dependencies.map((dep) => dep.workspaceKey).filter((key): key is string => key !== undefined))].sort();
  for (const key of keys) lines.push(`[workspace.dependencies] ${key} = ${valueText(workspace.config.dependencies[key])}`);
  if (pkg.inherits.lints) {
    const lints = isTable(root.workspace) ? root.workspace.lints : undefined;
    const entries = flatten(lints);
    if (entries.length === 0) lines.push('[workspace.lints] none');
    for (const [key, entry] of entries) lines.push(`[workspace.lints] ${key} = ${valueText(entry)}`);
  }
  return lines;
}

/** One profile's own table in the workspace's root manifest, one line per setting ('(not set)' without one); the profiles it inherits are parts of their own. */
export function profileParts(workspace: CargoWorkspace, profile: ProfileName): string[] {
  const profiles = workspace.toml.profile;
  const table = isTable(profiles) ? profiles[profile] : undefined;
  if (table === undefined) return ['(not set)'];
  return flatten(table).map(([key, entry]) => `${key} = ${valueText(entry)}`);
}

/**
 * The resolver cargo uses for the workspace: `workspace.resolver`, else the
 * root package's `resolver` or its edition's default, else "1".
 */
export function effectiveResolver(workspace: CargoWorkspace): unknown {
  const root = workspace.toml;
  const declared = isTable(root.workspace) ? root.workspace.resolver : undefined;
  if (declared !== undefined) return declared;
  const pkg = isTable(root.package) ? root.package : undefined;
  if (!pkg) return '1';
  if (pkg.resolver !== undefined) return pkg.resolver;
  const edition = typeof pkg.edition === 'string' ? pkg.edition : isTable(pkg.edition) ? workspace.config.package.edition : undefined;
  return edition === '2024' ? '3' : edition === '2021' ? '2' : '1';
}

/** A table as sorted `a.b.c` keys and their leaf values (arrays are leaves); nothing for a missing table. */
function flatten(table: unknown, prefix = ''): Array<[string, unknown]> {
  if (!isTable(table)) return prefix === '' ? [] : [[prefix, table]];
  const entries: Array<[string, unknown]> = [];
  for (const key of Object.keys(table).sort()) {
    const path = prefix === '' ? quoteKey(key) : `${prefix}.${quoteKey(key)}`;
    const child = table[key];
    if (isTable(child) && Object.keys(child).length > 0) entries.push(...flatten(child, path));
    else entries.push([path, child]);
  }
  return entries;
}

function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function valueText(entry: unknown): string {
  const text = JSON.stringify(entry, (_key, item: unknown) => (isTable(item) ? sortedTable(item) : item)) ?? 'null';
  return text.length <= MAX_VALUE_LENGTH ? text : `sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

function sortedTable(table: TomlTable): TomlTable {
  return Object.fromEntries(Object.keys(table).sort().map((key) => [key, table[key]]));
}
