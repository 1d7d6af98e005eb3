import { externalClosure, lockPackageKey, type Lockfile } from './lockfile.js';

/** A workspace crate as the lockfile knows it (a path package), and the manifest that stands for it. */
export interface LockCrate {
  name: string;
  version: string;
  manifestFile: string;
}

/** Keys of the crate's external closure in `lock`; empty when the lock has no such path package. */
function closureKeys(lock: Lockfile | undefined, crate: LockCrate): Set<string> {
  if (!lock) return new Set();
  return new Set(externalClosure(lock, crate.name, crate.version).map(lockPackageKey));
}

/** Why a crate is reached by a lockfile change: the changed packages in its closure, or a closure that changed shape. */
export interface ReachedCrate {
  crate: LockCrate;
  /** Changed packages (lock-diff keys) in its old or new closure. */
  changed: string[];
  /** Unchanged packages that entered or left its closure (its path packages' edges moved). */
  moved: string[];
}

/**
 * The crates whose external closure, in the new lockfile or in the old one (so
 * that a dependency that was dropped counts), holds a changed package, or
 * whose closure gained or lost a package. Crates stay in the given order.
 */
export function cratesReachingChanges(changed: ReadonlySet<string>, before: Lockfile | undefined, after: Lockfile | undefined, crates: readonly LockCrate[]): ReachedCrate[] {
  const reached: ReachedCrate[] = [];
  for (const crate of crates) {
    const now = closureKeys(after, crate);
    const then = closureKeys(before, crate);
    const hits = [...new Set([...now, ...then])].filter((key) => changed.has(key)).sort();
    const moved = [...now].filter((key) => !then.has(key)).concat([...then].filter((key) => !now.has(key))).filter((key) => !changed.has(key)).sort();
    if (hits.length > 0 || moved.length > 0) reached.push({ crate, changed: hits, moved });
  }
  return reached;
}
