import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import { cargoFacts, manifestsBelow } from '@nx-cargo/cargo-workspace/testing';
import { createCargoDependencies } from './create-dependencies.js';
import { createCargoNodes } from './create-nodes.js';

const REPO = join(__dirname, '../../../..');
const FIXTURES = join(REPO, 'packages/cargo-workspace/fixtures/workspaces');

interface NxView {
  /** Project root -> project name. */
  projects: Map<string, string>;
  edges: RawProjectGraphDependency[];
}

/** What Nx gets from the plugin for the repository at `root`. */
function nxView(root: string, manifests: string[]): NxView {
  const results = createCargoNodes(manifests, {}, { workspaceRoot: root, nxJsonConfiguration: {} });
  const projects: Record<string, ProjectConfiguration> = {};
  let externalNodes = {};
  for (const [, result] of results) {
    for (const project of Object.values(result.projects ?? {})) projects[project.name as string] = project as ProjectConfiguration;
    externalNodes = { ...externalNodes, ...result.externalNodes };
  }
  const edges = createCargoDependencies({ projects, externalNodes, workspaceRoot: root, nxJsonConfiguration: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
  return { projects: new Map(Object.values(projects).map((project) => [project.root === '.' ? '' : project.root, project.name as string])), edges };
}

/** Differences between cargo's packages and edges and the plugin's projects and edges. */
function compareWithCargo(root: string, manifests: string[], view: NxView): string[] {
  const cargo = cargoFacts(root, manifests);
  const differences = cargo.failed.map((file) => `cargo metadata failed for ${file}`);
  const expectedProjects = new Map([...cargo.packages.values()].map((pkg) => [pkg.manifestFile.replace(/\/?Cargo\.toml$/, ''), pkg.name]));
  for (const [dir, name] of expectedProjects) if (view.projects.get(dir) !== name) differences.push(`project ${name} at ${dir || '.'}: nx has ${view.projects.get(dir)}`);
  for (const [dir, name] of view.projects) if (!expectedProjects.has(dir)) differences.push(`extra project ${name} at ${dir}`);

  const expectedEdges = new Set([...cargo.packages.values()].flatMap((pkg) => pkg.edges.map((target) => `${pkg.name} -> ${target}`)));
  const actualEdges = new Set(view.edges.filter((edge) => !edge.target.startsWith('cargo:')).map((edge) => `${edge.source} -> ${edge.target}`));
  for (const edge of expectedEdges) if (!actualEdges.has(edge)) differences.push(`missing edge ${edge}`);
  for (const edge of actualEdges) if (!expectedEdges.has(edge)) differences.push(`extra edge ${edge}`);
  return differences;
}

describe('Nx projects and edges equal cargo metadata', () => {
  for (const fixture of ['virtual-globs', 'root-package', 'multi', 'root-crate']) {
    it(`fixture ${fixture}`, () => {
      const root = join(FIXTURES, fixture);
      const manifests = manifestsBelow(root);
      assert.deepEqual(compareWithCargo(root, manifests, nxView(root, manifests)), []);
    });
  }

  const scratch = mkdtempSync(join(tmpdir(), 'nx-cargo-oracle-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`generated repository, seed ${seed}`, async () => {
      const { generateRepo } = await import(pathToFileURL(join(REPO, 'tools/generate/cargo-workspace.mjs')).href);
      const root = join(scratch, `seed-${seed}`);
      generateRepo(root, { crates: 40, seed, workspaces: 3 });
      const manifests = manifestsBelow(root);
      const view = nxView(root, manifests);
      assert.ok(view.edges.length > 10, 'a generated repository has edges to compare');
      assert.deepEqual(compareWithCargo(root, manifests, view), []);
    });
  }

  it('negative control: a dropped edge is reported', () => {
    const root = join(FIXTURES, 'virtual-globs');
    const manifests = manifestsBelow(root);
    const view = nxView(root, manifests);
    view.edges = view.edges.filter((edge) => !(edge.source === 'beta' && edge.target === 'alpha'));
    assert.deepEqual(compareWithCargo(root, manifests, view), ['missing edge beta -> alpha']);
  });
});

/**
 * Edges cargo builds against, from its full resolve: each member's path
 * packages, reached directly or through external crates only (a [patch]ed
 * local copy is a path package in the resolve).
 */
function resolvedLocalEdges(root: string): string[] {
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--offline', '--locked'], { cwd: root, encoding: 'utf8' }),
  ) as { packages: Array<{ id: string; name: string }>; workspace_members: string[]; resolve: { nodes: Array<{ id: string; deps: Array<{ pkg: string }> }> } };
  const nameOf = new Map(metadata.packages.map((pkg) => [pkg.id, pkg.name]));
  const depsOf = new Map(metadata.resolve.nodes.map((node) => [node.id, node.deps.map((dep) => dep.pkg)]));
  const isLocal = (id: string) => id.startsWith('path+');
  const edges = new Set<string>();
  for (const member of metadata.workspace_members) {
    const seen = new Set<string>();
    const walk = (id: string) => {
      for (const dep of depsOf.get(id) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (isLocal(dep)) edges.add(`${nameOf.get(member)} -> ${nameOf.get(dep)}`);
        else walk(dep);
      }
    };
    walk(member);
  }
  return [...edges].sort();
}

describe('edges through Cargo.lock ([patch] to local copies)', () => {
  const fixture = join(FIXTURES, 'patched');
  const crateEdges = (view: NxView) =>
    view.edges.filter((edge) => !edge.target.startsWith('cargo:')).map((edge) => `${edge.source} -> ${edge.target}`).sort();

  it('equal the local packages in cargo\'s resolve, direct or behind external crates', () => {
    const expected = resolvedLocalEdges(fixture);
    assert.deepEqual(expected, ['app -> itoa', 'tool -> memchr']);
    assert.deepEqual(crateEdges(nxView(fixture, manifestsBelow(fixture))), expected);
  });

  it('negative control: without the lockfile the patched copies are not found', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'nx-cargo-patched-')), 'ws');
    try {
      cpSync(fixture, copy, { recursive: true });
      rmSync(join(copy, 'Cargo.lock'));
      assert.deepEqual(crateEdges(nxView(copy, manifestsBelow(copy))), []);
    } finally {
      rmSync(join(copy, '..'), { recursive: true, force: true });
    }
  });
});
