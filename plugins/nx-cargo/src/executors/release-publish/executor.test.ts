import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ProjectGraph, ProjectGraphProjectNode } from '@nx/devkit';
import { localDependencies } from './executor.js';

function crate(name: string, workspaceDir: string, publishable = true): ProjectGraphProjectNode {
  return {
    name,
    type: 'lib',
    data: { root: `${workspaceDir}/${name}`, metadata: { cargo: { package: `${name}-pkg`, manifestFile: `${workspaceDir}/${name}/Cargo.toml`, workspaceDir } } as never, targets: publishable ? { 'nx-release-publish': {} } : {} },
  };
}

it("names the publishable crates a crate depends on, transitively, in its Cargo workspace only", () => {
  const graph: ProjectGraph = {
    nodes: { app: crate('app', 'ws'), mid: crate('mid', 'ws', false), low: crate('low', 'ws'), other: crate('other', 'elsewhere'), deep: crate('deep', 'ws'), web: { name: 'web', type: 'lib', data: { root: 'web' } } },
    dependencies: {
      app: [{ source: 'app', target: 'mid', type: 'static' }, { source: 'app', target: 'other', type: 'static' }, { source: 'app', target: 'web', type: 'static' }],
      mid: [{ source: 'mid', target: 'low', type: 'static' }],
      low: [{ source: 'low', target: 'app', type: 'static' }],
      other: [{ source: 'other', target: 'deep', type: 'static' }],
    },
  };
  // `mid` is not published but leads to `low`; `other` is another workspace, and `deep` only behind it.
  assert.deepEqual(localDependencies(graph, 'app'), ['low-pkg']);
});
