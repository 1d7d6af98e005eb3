import type { ProjectConfiguration, ProjectGraphExternalNode } from '@nx/devkit';
import type { InternalPluginOptions } from './options.js';
import { cargoNamedInputs, type Input } from './target-inputs.js';
import { crateTargets } from './targets.js';
import type { CargoGraph, CreateNodesResults } from './types.js';
import { inputsNodeName } from './workspace-inputs.js';

/**
 * The createNodes answer for a described graph: one entry per crate
 * manifest, with its project (named inputs, targets, metadata), and the
 * external nodes on the first. `nxJsonDefault` is nx.json's `default` named
 * input, which a crate's narrowed `default` starts from.
 */
export function toCreateNodesResults(graph: CargoGraph, nxJsonDefault: Input[] | undefined, options: InternalPluginOptions | undefined): CreateNodesResults {
  const results: CreateNodesResults = graph.crates.map((crate) => {
    const project: ProjectConfiguration = {
      name: crate.projectName,
      root: crate.build.root,
      projectType: crate.build.defaultBinary === undefined ? 'library' : 'application',
      metadata: { technologies: ['cargo'], cargo: crate.cargo } as ProjectConfiguration['metadata'],
      namedInputs: cargoNamedInputs(crate, nxJsonDefault, options),
      targets: crateTargets(crate, options),
    };
    return [crate.manifestFile, { projects: { [project.root]: project } }] as const;
  });
  if (results.length > 0) results[0] = [results[0][0], { ...results[0][1], externalNodes: { ...graph.externalNodes, ...inputsNodes(graph) } }];
  return results;
}

/** The external nodes that stand for the inputs files (workspace-inputs.ts), named after them, hashed by what they cover. */
function inputsNodes(graph: CargoGraph): Record<string, ProjectGraphExternalNode> {
  const nodes: Record<string, ProjectGraphExternalNode> = {};
  const add = (name: string, hash: string) => {
    nodes[name] = { type: 'cargo', name, data: { version: '0.0.0', packageName: name, hash } };
  };
  for (const crate of graph.crates) add(crate.workspaceInputs.crate, crate.inputsHash);
  for (const [file, hash] of Object.entries(graph.profileHashes)) add(inputsNodeName(file), hash);
  return nodes;
}
