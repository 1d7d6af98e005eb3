import type { DependencyKind } from './dependencies.js';
import { resolveLockDependencies, type Lockfile, type LockPackage } from './lockfile.js';
import type { CargoPackage } from './repository.js';

/**
 * Local packages a crate builds against that its manifest does not name as
 * path dependencies, read from Cargo.lock: a `[patch]` or `[replace]` that
 * swaps a registry crate for a local copy, used directly or only through
 * external crates. Each is reported with the kind of the crate's own
 * dependency that leads to it, so dev-only reach stays dev-only.
 */
export function lockPathDependencies(
  lock: Lockfile,
  own: LockPackage,
  pkg: CargoPackage,
  localPackage: (entry: LockPackage) => CargoPackage | undefined,
): Array<{ dir: string; kind: DependencyKind }> {
  const found = new Map<string, DependencyKind>();
  const seen = new Set<LockPackage>();
  const walk = (entry: LockPackage, kind: DependencyKind): void => {
    for (const dependency of resolveLockDependencies(lock, entry)) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      if (dependency.source !== undefined) {
        walk(dependency, kind);
        continue;
      }
      const local = localPackage(dependency);
      if (local && local.dir !== pkg.dir && !found.has(local.dir)) found.set(local.dir, kind);
    }
  };
  for (const direct of resolveLockDependencies(lock, own)) {
    const kind = kindOf(pkg, direct.name);
    if (direct.source === undefined) {
      const local = localPackage(direct);
      if (local && local.dir !== pkg.dir && !found.has(local.dir)) found.set(local.dir, kind);
    } else if (!seen.has(direct)) {
      seen.add(direct);
      walk(direct, kind);
    }
  }
  return [...found].map(([dir, kind]) => ({ dir, kind }));
}

/** The strongest kind under which the manifest names `name`: normal over build over dev. */
function kindOf(pkg: CargoPackage, name: string): DependencyKind {
  const kinds = new Set(pkg.dependencies.filter((dep) => dep.name === name).map((dep) => dep.kind));
  return kinds.has('normal') ? 'normal' : kinds.has('build') ? 'build' : kinds.has('dev') ? 'dev' : 'normal';
}
