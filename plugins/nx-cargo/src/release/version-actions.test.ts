import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProjectGraph, ProjectGraphProjectNode, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { syncGenerator } from '../generators/sync/generator.js';
import { ReleaseConfigError } from './errors.js';
import CargoVersionActions, { afterAllProjectsVersioned } from './version-actions.js';

const FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.1.0"\n',
  'Cargo.lock': 'version = 4\n\n[[package]]\nname = "core"\nversion = "0.1.0"\n\n[[package]]\nname = "own"\nversion = "1.0.0"\ndependencies = [\n "core",\n]\n\n[[package]]\nname = "util"\nversion = "0.1.0"\n',
  'crates/core/Cargo.toml': '[package]\nname = "core"\nversion.workspace = true\n',
  'crates/util/Cargo.toml': '[package]\nname = "util"\nversion.workspace = true\n',
  'crates/own/Cargo.toml': '[package]\nname = "own"\nversion = "1.0.0"\n\n[dependencies]\ncore = { path = "../core", version = "^0.1.0" }\n',
};

function node(name: string): ProjectGraphProjectNode {
  const root = `crates/${name}`;
  return { name, type: 'lib', data: { root, metadata: { cargo: { package: name, manifestFile: `${root}/Cargo.toml`, workspaceDir: '', pathDependencies: [], externalDependencies: [], buildTargets: [] } } as never } };
}

const GRAPH: ProjectGraph = {
  nodes: { core: node('core'), util: node('util'), own: node('own') },
  dependencies: { core: [], util: [], own: [{ source: 'own', target: 'core', type: 'static' }] },
};

function setup(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const [file, text] of Object.entries(FILES)) tree.write(file, text);
  return tree;
}

/** The actions for one project as Nx makes them: constructed, initialised, handed the graph. */
async function actionsFor(tree: Tree, project: string, group: { name: string; projects: string[]; projectsRelationship: 'fixed' | 'independent' }) {
  const config = { manifestRootsToUpdate: [], preserveLocalDependencyProtocols: false } as never;
  const actions = new CargoVersionActions(group as never, GRAPH.nodes[project], config);
  await actions.init(tree);
  await actions.readDependencies(tree, GRAPH);
  return actions;
}

describe('CargoVersionActions', () => {
  it('reads an inherited version from the workspace manifest', async () => {
    const tree = setup();
    const actions = await actionsFor(tree, 'util', { name: 'shared', projects: ['core', 'util'], projectsRelationship: 'fixed' });
    assert.deepEqual(actions.manifestsToUpdate.map((manifest) => manifest.manifestPath), ['crates/util/Cargo.toml']);
    assert.deepEqual(await actions.readCurrentVersionFromSourceManifest(tree), { currentVersion: '0.1.0', manifestPath: 'Cargo.toml' });
  });

  it('accepts crates that inherit their version only together, in one fixed group', async () => {
    const tree = setup();
    await (await actionsFor(tree, 'core', { name: 'shared', projects: ['core', 'util'], projectsRelationship: 'fixed' })).validate(tree);
    const independent = await actionsFor(tree, 'core', { name: 'crates', projects: ['core', 'util', 'own'], projectsRelationship: 'independent' });
    await assert.rejects(
      independent.validate(tree),
      (error: unknown) => error instanceof ReleaseConfigError && error.file === 'nx.json' && /core, util take their version from \[workspace\.package\] in Cargo\.toml.*release group "crates" is independent/.test(error.message),
    );
    // Nx without validate() gets the same refusal before anything is written.
    await assert.rejects(independent.updateProjectVersion(tree, '0.2.0'), /release group "crates" is independent/);
    assert.equal(tree.read('Cargo.toml', 'utf-8'), FILES['Cargo.toml']);
    const partial = await actionsFor(tree, 'core', { name: 'shared', projects: ['core'], projectsRelationship: 'fixed' });
    await assert.rejects(partial.validate(tree), /release group "shared" lacks util/);
    // A crate with its own version may be anywhere.
    await (await actionsFor(tree, 'own', { name: 'crates', projects: ['own'], projectsRelationship: 'independent' })).validate(tree);
  });

  it('bumps the workspace version, the lock and the dependents; reads and sets requirements the way Nx asks', async () => {
    const tree = setup();
    const core = await actionsFor(tree, 'core', { name: 'shared', projects: ['core', 'util'], projectsRelationship: 'fixed' });
    await core.updateProjectVersion(tree, '0.2.0');
    assert.match(tree.read('Cargo.toml', 'utf-8')!, /^version = "0\.2\.0"$/m);
    assert.equal(tree.read('Cargo.lock', 'utf-8'), FILES['Cargo.lock'].replace('name = "core"\nversion = "0.1.0"', 'name = "core"\nversion = "0.2.0"').replace('name = "util"\nversion = "0.1.0"', 'name = "util"\nversion = "0.2.0"'));
    assert.match(tree.read('crates/own/Cargo.toml', 'utf-8')!, /core = \{ path = "\.\.\/core", version = "\^0\.2\.0" \}/);

    const own = await actionsFor(tree, 'own', { name: 'crates', projects: ['own'], projectsRelationship: 'independent' });
    assert.deepEqual(await own.readCurrentVersionOfDependency(tree, GRAPH, 'core'), { currentVersion: '^0.2.0', dependencyCollection: 'dependencies' });
    assert.deepEqual(await own.readCurrentVersionOfDependency(tree, GRAPH, 'util'), { currentVersion: null, dependencyCollection: null });
    await own.updateProjectDependencies(tree, GRAPH, { core: '~0.2.0' });
    assert.match(tree.read('crates/own/Cargo.toml', 'utf-8')!, /version = "~0\.2\.0"/);
  });

  it('refuses a project that is not a crate, naming it', async () => {
    const tree = setup();
    const js: ProjectGraphProjectNode = { name: 'web', type: 'lib', data: { root: 'apps/web' } };
    const actions = new CargoVersionActions({ name: 'crates', projects: ['web'], projectsRelationship: 'independent' } as never, js, { manifestRootsToUpdate: [] } as never);
    await assert.rejects(actions.readCurrentVersionFromSourceManifest(tree), /project "web" is not a Cargo crate/);
  });
});

describe('afterAllProjectsVersioned', () => {
  it("rewrites the existing nx sync inputs files that hold the new workspace version, and creates none", async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'release-sync-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    for (const [file, text] of Object.entries(FILES)) {
      write(file, text);
      write(file.replace('Cargo.toml', 'src/lib.rs'), '');
    }
    const tree = new FsTree(root, false);
    await syncGenerator(tree);
    flushChanges(root, tree.listChanges());
    rmSync(join(root, 'crates/own/.nx-cargo-inputs.txt'));
    const before = readFileSync(join(root, 'crates/core/.nx-cargo-inputs.txt'), 'utf8');
    write('Cargo.toml', FILES['Cargo.toml'].replace('0.1.0', '0.2.0'));

    assert.deepEqual(await afterAllProjectsVersioned(root, { dryRun: true }), { changedFiles: ['crates/core/.nx-cargo-inputs.txt', 'crates/util/.nx-cargo-inputs.txt'], deletedFiles: [] });
    assert.equal(readFileSync(join(root, 'crates/core/.nx-cargo-inputs.txt'), 'utf8'), before);
    const result = await afterAllProjectsVersioned(root, {});
    assert.deepEqual(result.changedFiles, ['crates/core/.nx-cargo-inputs.txt', 'crates/util/.nx-cargo-inputs.txt']);
    assert.equal(readFileSync(join(root, 'crates/core/.nx-cargo-inputs.txt'), 'utf8'), before.replace('version = "0.1.0"', 'version = "0.2.0"'));
    assert.equal(existsSync(join(root, 'crates/own/.nx-cargo-inputs.txt')), false);
  });
});
