// The supported Nx majors (peerDependencies of nx-cargo: >=22 <25), each
// installed from the npm registry beside the packed packages as a user
// installs them: no peer-dependency conflict, then graph, build, a rebuild
// from the Nx cache, and affected after an edit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installedPackages } from '../tools/support/installed-packages.mjs';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const NX_MAJORS = ['22', '23', '24'];
const PEER_TROUBLE = /ERESOLVE|peer dep|Could not resolve dependency|conflicting peer/i;
const FROM_CACHE = /read the output from the cache instead of running the command for 1 out of 1 tasks/;

for (const major of NX_MAJORS) {
  describe(`Nx ${major}`, () => {
    let ws;
    before(() => {
      ws = NxWorkspace.fromFixture('basic', { nx: `^${major}.0.0` });
      ws.git('init', '--quiet', '--initial-branch=main');
      ws.git('add', '-A');
      ws.git('commit', '--quiet', '-m', 'base');
    });
    after(() => ws.dispose());

    it('installs without peer dependency warnings', () => {
      assert.match(ws.packages.npmOutput, /added \d+ packages/);
      assert.doesNotMatch(ws.packages.npmOutput, PEER_TROUBLE);
      assert.match(ws.nxOk(['--version']).output, new RegExp(`Local: v${major}\\.`));
    });

    it('infers the projects and the edges cargo sees', () => {
      const graph = ws.graph();
      assert.deepEqual(Object.keys(graph.nodes).filter((name) => !name.startsWith('cargo:')).sort(), ['greet', 'hello-cli', 'words']);
      assert.deepEqual(graph.dependencies['hello-cli'].map((edge) => edge.target).filter((name) => !name.startsWith('cargo:')), ['greet']);
    });

    it('builds, then rebuilds from the Nx cache', () => {
      assert.doesNotMatch(ws.nxOk(['build', 'hello-cli']).output, FROM_CACHE);
      assert.match(ws.nxOk(['build', 'hello-cli']).output, FROM_CACHE);
    });

    it('picks the edited crate and its dependents as affected', () => {
      ws.git('checkout', '--quiet', '-b', 'edit');
      ws.write('crates/words/src/lib.rs', `${ws.read('crates/words/src/lib.rs')}\npub fn more() {}\n`);
      ws.git('commit', '--quiet', '-am', 'edit words');
      const affected = JSON.parse(ws.nxOk(['show', 'projects', '--affected', '--base=main', '--head=HEAD', '--json']).stdout);
      assert.deepEqual(affected.sort(), ['greet', 'hello-cli', 'words']);
    });
  });
}

it('negative control: a runtime @nx/devkit 24 beside Nx 22 is the conflict the check looks for', () => {
  assert.throws(() => installedPackages({ nx: '^22.0.0', extra: { '@nx/devkit': '^24.0.0' } }), PEER_TROUBLE);
});
