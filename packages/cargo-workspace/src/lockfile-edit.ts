import { LockfileError } from './errors.js';
import { parseLockfile, type LockPackage } from './lockfile.js';
import { replaceStrings, scanTomlLayout, stringAt, type TomlStringSpan } from './toml-layout.js';
import { sameToml } from './toml.js';

/** A `[[package]]` table as found in the text: its fields' values and where they are. */
interface LockedPackage {
  name?: string;
  version?: { value: string; span: TomlStringSpan };
  hasSource: boolean;
  dependencies: Array<{ value: string; span: TomlStringSpan }>;
}

/**
 * Cargo.lock `text` with the path package `name` moved to version `to`:
 * its `version` line, and the references that name it with its version
 * (`"name 0.1.0"`, written when several versions of `name` are locked).
 * `from` picks the package when given; without it, the lock must have one
 * path package of that name. Registry and git entries, checksums and
 * everything else stay as they are, so no network is needed and `cargo
 * build --locked` accepts the result. Unchanged when the lock has no such
 * package (cargo adds it on its next run) or it is at `to` already.
 */
export function setLockedVersion(file: string, text: string, name: string, from: string | undefined, to: string): string {
  const packages = lockedPackages(text);
  const own = packages.filter((pkg) => pkg.name === name && !pkg.hasSource);
  if (from === undefined && own.length > 1) {
    throw new LockfileError({ file }, `several local packages are named \`${name}\` (${own.map((pkg) => pkg.version?.value).join(', ')}): run \`cargo update -w\``);
  }
  const target = from === undefined ? own[0] : own.find((pkg) => pkg.version?.value === from);
  const current = target?.version?.value;
  if (!target || current === undefined || current === to) return text;
  if (own.some((pkg) => pkg.version?.value === to)) {
    throw new LockfileError({ file }, `cannot move \`${name}\` from ${current} to ${to}: another local \`${name} ${to}\` is locked already; run \`cargo update -w\``);
  }
  const clash = packages.find((pkg) => pkg.name === name && pkg.hasSource && pkg.version?.value === to);
  if (clash) {
    // Cargo would have to write references to both with their source: leave that to cargo.
    throw new LockfileError({ file }, `cannot move local \`${name}\` to ${to}: \`${name} ${to}\` from a registry or git is locked too; run \`cargo update -p ${name}\``);
  }
  const edits = [{ span: target.version!.span, value: to }];
  for (const pkg of packages) {
    for (const dependency of pkg.dependencies) {
      if (dependency.value === `${name} ${current}`) edits.push({ span: dependency.span, value: `${name} ${to}` });
    }
  }
  const updated = replaceStrings(text, edits);
  const moved = (pkg: LockPackage): LockPackage => ({
    ...pkg,
    ...(pkg.name === name && pkg.source === undefined && pkg.version === current ? { version: to } : {}),
    dependencies: pkg.dependencies.map((dependency) => (dependency === `${name} ${current}` ? `${name} ${to}` : dependency)),
  });
  if (!sameToml(parseLockfile(file, updated).packages, parseLockfile(file, text).packages.map(moved))) {
    throw new LockfileError({ file }, `moving \`${name}\` to ${to} would change more than its version: run \`cargo update -w\` instead`);
  }
  return updated;
}

function lockedPackages(text: string): LockedPackage[] {
  const layout = scanTomlLayout(text);
  const byTable = new Map<number, LockedPackage>();
  layout.headers.forEach((header, index) => {
    if (header.isArray && header.path.length === 1 && header.path[0] === 'package') byTable.set(index, { hasSource: false, dependencies: [] });
  });
  for (const entry of layout.entries) {
    const pkg = byTable.get(entry.table);
    if (!pkg || entry.inline || entry.path.length !== 2) continue;
    const span = { start: entry.valueStart, end: entry.valueEnd };
    const field = entry.path[1];
    if (field === 'name') pkg.name = stringAt(text, span);
    else if (field === 'version') {
      const value = stringAt(text, span);
      if (value !== undefined) pkg.version = { value, span };
    } else if (field === 'source') pkg.hasSource = true;
    else if (field === 'dependencies' && entry.array) {
      for (const item of entry.array.items) {
        const value = stringAt(text, item);
        if (value !== undefined) pkg.dependencies.push({ value, span: item });
      }
    }
  }
  return [...byTable.values()];
}
