// The generators under the real nx: init on a bare Nx workspace, a library and
// a binary that build and test at once, and --dry-run writing nothing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

describe('nx-cargo generators under real nx', () => {
  let ws;
  before(() => {
    ws = new NxWorkspace();
    // A workspace that has never seen nx-cargo: no plugin, target not ignored.
    ws.write('nx.json', '{}\n');
    ws.write('.gitignore', 'node_modules\n.nx\n');
  });
  after(() => ws.dispose());

  it('init registers the plugin, creates the root workspace and ignores target', () => {
    ws.nxOk(['g', 'nx-cargo:init']);
    assert.deepEqual(JSON.parse(ws.read('nx.json')).plugins, ['nx-cargo']);
    assert.equal(ws.read('Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
    assert.match(ws.read('.gitignore'), /^target$/m);
  });

  it('init run again changes nothing', () => {
    const before = ['nx.json', 'Cargo.toml', '.gitignore'].map((file) => ws.read(file));
    ws.nxOk(['g', 'nx-cargo:init']);
    assert.deepEqual(['nx.json', 'Cargo.toml', '.gitignore'].map((file) => ws.read(file)), before);
  });

  it('creates a library and a binary that nx lists as projects', () => {
    ws.nxOk(['g', 'nx-cargo:library', 'mylib']);
    ws.nxOk(['g', 'nx-cargo:binary', 'mycli']);
    assert.ok(existsSync(`${ws.root}/crates/mylib/src/lib.rs`));
    assert.ok(existsSync(`${ws.root}/crates/mycli/src/main.rs`));
    // The crates/* glob covers both: the root manifest is unchanged.
    assert.equal(ws.read('Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--json']).stdout);
    assert.ok(projects.includes('mylib'), projects.join(', '));
    assert.ok(projects.includes('mycli'), projects.join(', '));
  });

  it('builds and tests the generated crates', () => {
    const run = ws.nxOk(['run-many', '-t', 'build,test', '--output-style=static']);
    assert.match(run.output, /Successfully ran targets build, test for 2 projects/);
    assert.match(run.output, /test tests::adds \.\.\. ok/);
    assert.match(run.output, /test tests::greets_by_name \.\.\. ok/);
    assert.ok(existsSync(`${ws.root}/target/debug/mycli`));
  });

  it('--dry-run shows the changes and writes nothing', () => {
    const manifest = ws.read('Cargo.toml');
    const plain = ws.nxOk(['g', 'nx-cargo:library', 'other', '--dry-run']);
    assert.match(plain.output, /CREATE crates\/other\/Cargo\.toml/);
    assert.equal(existsSync(`${ws.root}/crates/other`), false);
    // A folder outside crates/* also edits the root manifest: still nothing written.
    const dry = ws.nxOk(['g', 'nx-cargo:library', 'other', '--directory', 'libs/other', '--dry-run']);
    assert.match(dry.output, /UPDATE Cargo\.toml/);
    assert.match(dry.output, /CREATE libs\/other\/Cargo\.toml/);
    assert.match(dry.output, /CREATE libs\/other\/src\/lib\.rs/);
    assert.match(dry.output, /no changes were made/);
    assert.equal(existsSync(`${ws.root}/libs`), false);
    assert.equal(ws.read('Cargo.toml'), manifest);
  });

  it('refuses an invalid crate name with a clear error', () => {
    const bad = ws.nx(['g', 'nx-cargo:library', '2fast']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.output, /invalid crate name `2fast`: it cannot start with `2`/);
    assert.equal(existsSync(`${ws.root}/crates/2fast`), false);
  });
});
