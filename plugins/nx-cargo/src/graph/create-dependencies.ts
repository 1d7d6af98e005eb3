import type { CreateDependenciesContext, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import type { CargoProjectMetadata } from './project-metadata.js';

/**
 * Edges from each crate to the crates it names as path dependencies and to
 * the external crates it depends on directly, read back from the metadata
 * that createNodes recorded, so no manifest is parsed twice.
 */
export function createCargoDependencies(context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const byRoot = new Map<string, string>();
  for (const [name, project] of Object.entries(context.projects)) byRoot.set(project.root === '.' ? '' : project.root, name);

  // The enum's value, written out: loading @nx/devkit at run time costs ~200 ms per nx process.
  const staticEdge = 'static' as DependencyType.static;
  const edges: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  const add = (source: string, target: string, sourceFile: string) => {
    const key = `${source}\0${target}`;
    if (source === target || seen.has(key)) return;
    seen.add(key);
    edges.push({ source, target, sourceFile, type: staticEdge });
  };
  for (const [source, project] of Object.entries(context.projects)) {
    const cargo = (project.metadata as { cargo?: CargoProjectMetadata } | undefined)?.cargo;
    if (!cargo) continue;
    for (const dependency of cargo.pathDependencies) {
      const target = byRoot.get(dependency.dir);
      if (target !== undefined) add(source, target, cargo.manifestFile);
    }
    for (const external of cargo.externalDependencies) {
      if (context.externalNodes?.[external]) add(source, external, cargo.manifestFile);
    }
  }
  return edges;
}
