import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { manifestsBelow } from '@nx-cargo/cargo-workspace/testing';
import { createCargoNodes } from './create-nodes.js';
import type { CreateNodesResults } from './types.js';

const FIXTURE = join(__dirname, '../../../../e2e/fixtures/basic');
const CACHE_FILE = '.nx/workspace-data/nx-cargo-graph.json';
const NODES_FILE = '.nx/workspace-data/nx-cargo-nodes.json';

/** Changes that must make the plugin compute the graph again, each on its own copy of the fixture. */
const CHANGES: Record<string, (root: string) => void> = {
  'a manifest edit of the same size': (root) => edit(root, 'crates/words/Cargo.toml', (text) => text.replace('name = "words"', 'name = "wordz"')),
  'a new binary file (no manifest change)': (root) => write(root, 'crates/greet/src/bin/extra.rs', 'fn main() {}\n'),
  'a new examples folder': (root) => write(root, 'crates/greet/examples/demo.rs', 'fn main() {}\n'),
  'a lockfile edit': (root) => edit(root, 'Cargo.lock', (text) => `${text}\n# touched\n`),
  'a removed lockfile': (root) => rmSync(join(root, 'Cargo.lock')),
  'a workspace manifest edit': (root) => edit(root, 'Cargo.toml', (text) => text.replace('members = ["crates/*"]', 'members = ["crates/*"]\nexclude = ["crates/words"]')),
};

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

function edit(root: string, path: string, change: (text: string) => string): void {
  writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8')));
}

function nodes(root: string, files = manifestsBelow(root)): CreateNodesResults {
  return createCargoNodes(files, {}, { workspaceRoot: root, nxJsonConfiguration: {} });
}

/** Rewrites the cached nodes so that a reused cache is visible in the result. */
function poisonCache(root: string): void {
  const file = join(root, NODES_FILE);
  const cached = JSON.parse(readFileSync(file, 'utf8'));
  for (const [, result] of cached.nodes.results) for (const project of Object.values<{ name: string }>(result.projects ?? {})) project.name = `stale-${project.name}`;
  writeFileSync(file, JSON.stringify(cached));
}

const names = (results: CreateNodesResults) =>
  results.flatMap(([, result]) => Object.values(result.projects ?? {}).map((project) => project.name as string)).sort();

describe('graph cache', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nx-cargo-graph-cache-'));
  const copies = new Map<string, string>();
  after(() => rmSync(scratch, { recursive: true, force: true }));

  before(async () => {
    for (const name of ['unchanged', 'racy', ...Object.keys(CHANGES)]) {
      const root = join(scratch, name.replace(/\W+/g, '-'));
      cpSync(FIXTURE, root, { recursive: true });
      copies.set(name, root);
    }
    // Files written moments ago are too fresh to be judged by timestamps; let them age once.
    await sleep(2200);
    for (const [name, root] of copies) if (name !== 'racy') nodes(root);
  });

  it('reuses the graph while nothing it was read from changed (the poisoned entry shows through)', () => {
    const root = copies.get('unchanged') as string;
    poisonCache(root);
    assert.deepEqual(names(nodes(root)), ['stale-greet', 'stale-hello-cli', 'stale-words']);
  });

  for (const [change, apply] of Object.entries(CHANGES)) {
    it(`computes again after ${change}`, () => {
      const root = copies.get(change) as string;
      poisonCache(root);
      apply(root);
      const result = nodes(root);
      assert.ok(!names(result).some((name) => name.startsWith('stale-')), names(result).join(', '));
      process.env.NX_CACHE_PROJECT_GRAPH = 'false';
      try {
        assert.deepEqual(result, nodes(root), 'the recomputed graph equals one built without any cache');
      } finally {
        delete process.env.NX_CACHE_PROJECT_GRAPH;
      }
    });
  }

  it('computes again when the set of manifests changes', () => {
    const root = copies.get('unchanged') as string;
    const files = manifestsBelow(root).filter((file) => !file.startsWith('crates/words/'));
    assert.ok(!names(nodes(root, files)).some((name) => name.startsWith('stale-')));
  });

  it('computes again when nx.json\'s default named input changes, which the inferred inputs start from', () => {
    const root = copies.get('unchanged') as string;
    nodes(root);
    poisonCache(root);
    const withDefault = createCargoNodes(manifestsBelow(root), {}, { workspaceRoot: root, nxJsonConfiguration: { namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'] } } });
    assert.ok(!names(withDefault).some((name) => name.startsWith('stale-')), names(withDefault).join(', '));
  });

  it('treats a damaged or foreign cache file as a miss', () => {
    const root = copies.get('unchanged') as string;
    const damage = (file: string, content: string) => {
      nodes(root);
      poisonCache(root);
      writeFileSync(join(root, file), content);
      assert.deepEqual(names(nodes(root)), ['greet', 'hello-cli', 'words'], `${file}: ${content.slice(0, 80)}`);
    };
    const nodesOf = () => JSON.parse(readFileSync(join(root, NODES_FILE), 'utf8'));
    const headerOf = () => JSON.parse(readFileSync(join(root, CACHE_FILE), 'utf8'));
    for (const content of ['{', '{"key":"x"}']) damage(CACHE_FILE, content);
    damage(CACHE_FILE, JSON.stringify({ ...headerOf(), nodesId: 'another write' }));
    damage(NODES_FILE, JSON.stringify({ ...nodesOf(), nodes: { results: {} } }));
    damage(NODES_FILE, JSON.stringify({ ...nodesOf(), nodes: { results: [], warnings: 'none' } }));
  });

  it('does not store a graph read from files changed in the last moments', () => {
    const root = copies.get('racy') as string;
    edit(root, 'crates/words/Cargo.toml', (text) => `${text}\n`);
    nodes(root);
    assert.throws(() => readFileSync(join(root, CACHE_FILE)), /ENOENT/);
  });
});
