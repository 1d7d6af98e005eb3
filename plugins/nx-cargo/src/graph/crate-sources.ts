import type { DependencyKind } from '@nx-cargo/cargo-workspace';

/** A crate as far as its local dependency edges go. */
export interface CrateEdges {
  projectName: string;
  root: string;
  pathDependencies: Array<{ dir: string; kind: DependencyKind }>;
  /** The crate has inputs beyond its own files (declared ones): dependents must hash them too. */
  hasDeclaredInputs: boolean;
}

/**
 * The local crates whose sources reach a crate's build and its tests:
 * 'any-edge' where that is everything Nx's `^` inputs follow (every edge,
 * dev-dependencies of dependencies included), else the project names.
 */
export interface CrateSources {
  build: 'any-edge' | string[];
  test: 'any-edge' | string[];
  /** Crates in those closures whose declared inputs reach the build, and the tests. */
  declared: { build: string[]; test: string[] };
}

/**
 * Per crate, the local crates its build depends on
 * (normal and build dependencies, transitively) and those its tests depend on
 * (the same plus its own dev-dependencies with their build closures): a
 * dev-dependency's sources never reach `cargo build`, only `cargo test`.
 */
export function crateSources(crates: readonly CrateEdges[]): Map<string, CrateSources> {
  const byRoot = new Map(crates.map((crate) => [crate.root === '.' ? '' : crate.root, crate]));
  const byName = new Map(crates.map((crate) => [crate.projectName, crate]));
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
  const anyEdgeClosure = new Map<string, Set<string>>();
  const anyEdgeOf = (crate: CrateEdges): Set<string> => {
    const known = anyEdgeClosure.get(crate.projectName);
    if (known) return known;
    // Dev-dependency edges may form cycles: walk iteratively with a visited set.
    const closure = new Set<string>();
    const queue = [crate];
    while (queue.length > 0) {
      const current = queue.pop() as CrateEdges;
      for (const dependency of current.pathDependencies) {
        const target = byRoot.get(dependency.dir);
        if (!target || closure.has(target.projectName)) continue;
        closure.add(target.projectName);
        queue.push(target);
      }
    }
    closure.delete(crate.projectName);
    anyEdgeClosure.set(crate.projectName, closure);
    return closure;
  };
  const sources = new Map<string, CrateSources>();
  // Closures only grow along edges, so equal sizes mean equal sets.
  const list = (closure: Set<string>, anyEdge: Set<string>) => (closure.size === anyEdge.size ? 'any-edge' : [...closure].sort());
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
    const anyEdge = anyEdgeOf(crate);
    const declared = (closure: Set<string>) => [...closure].filter((name) => byName.get(name)?.hasDeclaredInputs).sort();
    sources.set(crate.projectName, { build: list(build, anyEdge), test: list(test, anyEdge), declared: { build: declared(build), test: declared(test) } });
  }
  return sources;
}
