import { lockPackageKey, resolveLockDependencies, type Lockfile, type LockPackage } from './lockfile.js';

/** What a package entry says about its content: source (with commit), checksum, replacement, resolved dependencies. */
function entryContent(lock: Lockfile, pkg: LockPackage): string {
  // Dependencies compare by what they resolve to, so that cargo writing
  // "memchr" as "memchr 2.5.0" once another version appears is no change.
  const dependencies = resolveLockDependencies(lock, pkg).map(lockPackageKey).sort();
  return JSON.stringify([pkg.source ?? null, pkg.checksum ?? null, pkg.replace ?? null, dependencies]);
}

function externalsByKey(lock: Lockfile | undefined): Map<string, LockPackage> {
  return new Map((lock?.packages ?? []).filter((pkg) => pkg.source !== undefined).map((pkg) => [lockPackageKey(pkg), pkg]));
}

/**
 * Keys of the external packages (those with a source) that differ between two
 * versions of a lockfile: added, removed, or with another source, checksum,
 * replacement or set of dependencies. A missing `before` (a new lockfile)
 * makes every external package of `after` changed, and the other way round.
 * Throws the LockfileError of a reference that does not resolve.
 */
export function changedExternalPackages(before: Lockfile | undefined, after: Lockfile | undefined): Set<string> {
  const old = externalsByKey(before);
  const current = externalsByKey(after);
  const changed = new Set<string>();
  for (const [key, pkg] of current) {
    const previous = old.get(key);
    if (!previous || entryContent(before as Lockfile, previous) !== entryContent(after as Lockfile, pkg)) changed.add(key);
  }
  for (const key of old.keys()) if (!current.has(key)) changed.add(key);
  return changed;
}
