import { Reachability, type DependencyKind } from '@nx-cargo/cargo-workspace';

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
  const indexByRoot = new Map(crates.map((crate, at) => [crate.root === '.' ? '' : crate.root, at]));
  const edges = crates.map((crate, at) =>
    crate.pathDependencies.flatMap((dependency) => {
      const target = indexByRoot.get(dependency.dir);
      return target === undefined || target === at ? [] : [{ target, dev: dependency.kind === 'dev' }];
    }),
  );
  // Normal and build edges form no cycle (cargo rejects one); dev-dependency edges may.
  const build = new Reachability(edges.map((out) => out.filter((edge) => !edge.dev).map((edge) => edge.target)));
  const anyEdge = new Reachability(edges.map((out) => out.map((edge) => edge.target)));
  const withDeclaredInputs = crates.flatMap((crate, at) => (crate.hasDeclaredInputs ? [at] : []));
  const names = (closure: Iterable<number>) => [...closure].map((reached) => crates[reached].projectName).sort();
  const sources = new Map<string, CrateSources>();
  crates.forEach((crate, at) => {
    // Both closures lie within the any-edge one, so equal sizes mean equal sets;
    // most crates end there, without listing a closure.
    const anyEdgeSize = anyEdge.count(at) - (anyEdge.reaches(at, at) ? 1 : 0);
    const buildSize = build.count(at) - (build.reaches(at, at) ? 1 : 0);
    const inBuild = (node: number) => node !== at && build.reaches(at, node);
    const devEdges = edges[at].filter((edge) => edge.dev);
    let test: { size: number; has: (node: number) => boolean; members: () => Iterable<number> };
    if (devEdges.length === 0) {
      test = { size: buildSize, has: inBuild, members: () => build.reached(at).filter((node) => node !== at) };
    } else {
      const members = new Set(build.reached(at));
      for (const edge of devEdges) {
        members.add(edge.target);
        for (const reached of build.reached(edge.target)) members.add(reached);
      }
      members.delete(at);
      test = { size: members.size, has: (node) => members.has(node), members: () => members };
    }
    sources.set(crate.projectName, {
      build: buildSize === anyEdgeSize ? 'any-edge' : names(build.reached(at).filter((node) => node !== at)),
      test: test.size === anyEdgeSize ? 'any-edge' : names(test.members()),
      declared: { build: names(withDeclaredInputs.filter(inBuild)), test: names(withDeclaredInputs.filter(test.has)) },
    });
  });
  return sources;
}
