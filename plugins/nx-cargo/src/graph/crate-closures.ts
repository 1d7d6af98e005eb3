import type { DependencyKind } from '@nx-cargo/cargo-workspace';

/** A crate as far as its local dependency edges go. */
export interface CrateEdges {
  projectName: string;
  root: string;
  pathDependencies: Array<{ dir: string; kind: DependencyKind }>;
}

/** Local crates whose sources reach a crate's build, and those that reach its tests. */
export interface CrateClosures {
  build: string[];
  test: string[];
}

/**
 * Per crate, the project names of the local crates its build depends on
 * (normal and build dependencies, transitively) and those its tests depend on
 * (the same plus its own dev-dependencies with their build closures): a
 * dev-dependency's sources never reach `cargo build`, only `cargo test`.
 */
export function crateClosures(crates: readonly CrateEdges[]): Map<string, CrateClosures> {
  const byRoot = new Map(crates.map((crate) => [crate.root === '.' ? '' : crate.root, crate]));
  const buildClosure = new Map<string, Set<string>>();
  const buildOf = (crate: CrateEdges, visiting = new Set<string>()): Set<string> => {
    const known = buildClosure.get(crate.projectName);
    if (known) return known;
    const closure = new Set<string>();
    visiting.add(crate.projectName);
    for (const dependency of crate.pathDependencies) {
      const target = byRoot.get(dependency.dir);
      if (!target || dependency.kind === 'dev' || target.projectName === crate.projectName) continue;
      closure.add(target.projectName);
      // A cycle through normal dependencies is an error cargo reports; don't loop on it.
      if (!visiting.has(target.projectName)) for (const name of buildOf(target, visiting)) closure.add(name);
    }
    visiting.delete(crate.projectName);
    buildClosure.set(crate.projectName, closure);
    return closure;
  };
  const closures = new Map<string, CrateClosures>();
  for (const crate of crates) {
    const build = buildOf(crate);
    const test = new Set(build);
    for (const dependency of crate.pathDependencies) {
      const target = byRoot.get(dependency.dir);
      if (!target || dependency.kind !== 'dev') continue;
      test.add(target.projectName);
      for (const name of buildOf(target)) test.add(name);
    }
    test.delete(crate.projectName);
    closures.set(crate.projectName, { build: [...build].sort(), test: [...test].sort() });
  }
  return closures;
}
