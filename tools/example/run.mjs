// The README's main job: lays out the example mixed TypeScript/Rust workspace
// in tmp/example, then shows the graph, a build, and a fully cached rebuild.
import { join } from 'node:path';
import { NxWorkspace, REPO_ROOT } from '../support/nx-workspace.mjs';

const ws = new NxWorkspace({ root: join(REPO_ROOT, 'tmp/example') });
ws.copyFrom('examples/mixed-workspace');

const step = (title) => console.log(`\n=== ${title}`);
const show = (args) => {
  step(`nx ${args.join(' ')}`);
  const result = ws.nxOk(args);
  process.stdout.write(result.stdout);
  return result;
};

show(['show', 'projects']);

step('project graph (nx graph --file=graph.json)');
for (const [project, edges] of Object.entries(ws.graph().dependencies)) {
  const targets = edges.map((edge) => edge.target);
  if (targets.length > 0) console.log(`${project} -> ${targets.join(', ')}`);
}

// The files through which `nx affected` sees Cargo.lock and the root Cargo.toml (commit them in a real repository).
show(['sync']);
show(['run-many', '-t', 'build', 'test']);
const cached = show(['run-many', '-t', 'build', 'test']);
step(`workspace left in ${ws.root}; rerun any nx command there (e.g. npx nx build area-cli)`);
if (!/read the output from the cache instead of running the command for (\d+) out of \1 tasks/.test(cached.stdout)) {
  console.error('expected the second run to be served entirely from the Nx cache');
  process.exit(1);
}
