import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator.js';
import { releaseGroups, VERSION_ACTIONS } from './release-groups.js';

const version = { versionActions: VERSION_ACTIONS };

describe('releaseGroups', () => {
  const crates = [{ project: 'app' }, { project: 'core', inheritsFrom: '' }, { project: 'util', inheritsFrom: '' }, { project: 'x', inheritsFrom: 'other/ws' }];

  it('puts every crate in one fixed group', () => {
    assert.deepEqual(releaseGroups(crates, 'fixed'), { crates: { projects: ['app', 'core', 'util', 'x'], projectsRelationship: 'fixed', version } });
  });

  it('versions crates independently, except those sharing a workspace version, which move together per workspace', () => {
    assert.deepEqual(releaseGroups(crates, 'independent'), {
      crates: { projects: ['app'], projectsRelationship: 'independent', version },
      'crates-workspace': { projects: ['core', 'util'], projectsRelationship: 'fixed', version },
      'crates-other-ws': { projects: ['x'], projectsRelationship: 'fixed', version },
    });
    assert.deepEqual(releaseGroups([], 'independent'), {});
  });
});

describe('init --release', () => {
  function workspace(): Tree {
    const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    const files: Record<string, string> = {
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.1.0"\n',
      'crates/core/Cargo.toml': '[package]\nname = "core"\nversion.workspace = true\n',
      'crates/own/Cargo.toml': '[package]\nname = "own"\nversion = "1.0.0"\n',
      'crates/app/Cargo.toml': '[package]\nname = "app"\nversion = "1.0.0"\npublish = false\n',
      'crates/bare/Cargo.toml': '[package]\nname = "bare"\n',
    };
    for (const [file, text] of Object.entries(files)) {
      tree.write(file, text);
      tree.write(file.replace('Cargo.toml', 'src/lib.rs'), '');
    }
    return tree;
  }

  it('adds groups for the crates cargo would publish, leaving out publish = false and crates without a version', async () => {
    const tree = workspace();
    await initGenerator(tree, { release: 'independent' });
    assert.deepEqual(readJson(tree, 'nx.json').release, {
      groups: {
        crates: { projects: ['own'], projectsRelationship: 'independent', version },
        'crates-workspace': { projects: ['core'], projectsRelationship: 'fixed', version },
      },
    });
    const before = tree.read('nx.json', 'utf-8');
    await initGenerator(tree, { release: 'independent' });
    assert.equal(tree.read('nx.json', 'utf-8'), before);
  });

  it('keeps groups nx.json has, and crates they list by name', async () => {
    const tree = workspace();
    const js = { projects: ['web'], projectsRelationship: 'independent' };
    tree.write('nx.json', JSON.stringify({ release: { groups: { js, mine: { projects: ['own'] } }, changelog: { workspaceChangelog: false } } }));
    await initGenerator(tree, { release: 'fixed' });
    const release = readJson(tree, 'nx.json').release;
    assert.deepEqual(release.groups, { js, mine: { projects: ['own'] }, crates: { projects: ['core'], projectsRelationship: 'fixed', version } });
    assert.deepEqual(release.changelog, { workspaceChangelog: false });
  });

  it('refuses release.projects without groups, saying what to do', async () => {
    const tree = workspace();
    tree.write('nx.json', JSON.stringify({ release: { projects: ['web'] } }));
    await assert.rejects(initGenerator(tree, { release: 'fixed' }), /nx\.json: `release\.projects` is set, and Nx takes no release groups beside it/);
  });
});
