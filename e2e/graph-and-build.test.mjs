// The real nx on a temporary workspace: projects, edges, build, test, the Nx
// cache, and what a user sees when input is broken or cargo is missing.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const FROM_CACHE = /\[local cache\]/;
/** A cache hit, whether or not the task's outputs were already in place. */
const HIT = /\[(local cache|existing outputs match the cache, left as is)\]/;

describe('a Cargo workspace under real nx', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
  });
  after(() => ws.dispose());

  it('lists one project per crate', () => {
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--json']).stdout);
    assert.deepEqual(projects.sort(), ['greet', 'hello-cli', 'words']);
  });

  it('has the crate-to-crate edges', () => {
    const graph = ws.graph();
    const edges = (name) => graph.dependencies[name].map((edge) => edge.target).sort();
    assert.deepEqual(edges('hello-cli'), ['greet']);
    assert.deepEqual(edges('greet'), ['words']);
    assert.deepEqual(edges('words'), []);
  });

  it('infers the targets', () => {
    const project = JSON.parse(ws.nxOk(['show', 'project', 'hello-cli', '--json']).stdout);
    assert.deepEqual(Object.keys(project.targets).sort(), ['build', 'build-release', 'check', 'clippy', 'doc', 'fmt', 'nx-release-publish', 'run', 'test', 'test-release']);
    assert.equal(project.targets.build.executor, 'nx-cargo:cargo');
  });

  it('builds and tests through cargo', () => {
    const build = ws.nxOk(['build', 'hello-cli']);
    assert.match(build.output, /Compiling hello-cli/);
    assert.ok(existsSync(`${ws.root}/target/debug/hello-cli`));
    const test = ws.nxOk(['test', 'greet']);
    assert.match(test.output, /test tests::greets \.\.\. ok/);
  });

  it('serves an unchanged build from the Nx cache', () => {
    const again = ws.nxOk(['build', 'hello-cli']);
    assert.match(again.output, FROM_CACHE);
    assert.match(again.output, /Cache: 1\/1 hit/);
  });

  it('restores the binary from the cache when the target folder lost it', () => {
    rmSync(`${ws.root}/target/debug/hello-cli`);
    const restored = ws.nxOk(['build', 'hello-cli']);
    assert.match(restored.output, FROM_CACHE);
    assert.ok(existsSync(`${ws.root}/target/debug/hello-cli`));
  });

  it('runs the binary', () => {
    const run = ws.nxOk(['run', 'hello-cli:run']);
    assert.match(run.output, /Hello, world!/);
    assert.doesNotMatch(run.output, /Running \d+ tasks? with/);
  });

  it('runs again after a source edit in the crate or a dependency', () => {
    ws.write('crates/words/src/lib.rs', 'pub const HELLO: &str = "Hi";\n');
    const rebuilt = ws.nxOk(['build', 'hello-cli']);
    assert.doesNotMatch(rebuilt.output, FROM_CACHE);
    assert.doesNotMatch(rebuilt.output, /existing outputs match the cache/);
    assert.match(rebuilt.output, /Compiling words/);
  });

  it('builds the release profile with build-release', () => {
    ws.nxOk(['run', 'hello-cli:build-release']);
    assert.ok(existsSync(`${ws.root}/target/release/hello-cli`));
  });

  it("caches a build for a target triple from the triple's folder, leaving the host build alone", () => {
    const triple = execFileSync('rustc', ['-vV'], { encoding: 'utf8' }).match(/^host: (\S+)/m)[1];
    const binary = `${ws.root}/target/${triple}/debug/hello-cli`;
    // Nx keeps `--target` on its command line for itself: the triple is set where users set options.
    ws.write('crates/hello-cli/project.json', JSON.stringify({ targets: { build: { options: { target: triple } } } }));
    try {
      ws.nxOk(['build', 'hello-cli']);
      assert.ok(existsSync(binary));
      rmSync(binary);
      rmSync(`${ws.root}/target/debug/hello-cli`);
      const restored = ws.nxOk(['build', 'hello-cli']);
      assert.match(restored.output, FROM_CACHE);
      assert.match(execFileSync(binary, { encoding: 'utf8' }), /Hi, world!/);
      assert.equal(existsSync(`${ws.root}/target/debug/hello-cli`), false, "the host folder is not among this task's outputs");
    } finally {
      rmSync(`${ws.root}/crates/hello-cli/project.json`);
    }
  });

  it('returns cargo failure as task failure', () => {
    ws.write('crates/greet/src/lib.rs', 'pub fn greeting(name: &str) -> String { name }\n');
    const broken = ws.nx(['build', 'greet']);
    assert.notEqual(broken.status, 0);
    assert.match(broken.output, /error\[E0308\]/);
  });
});

describe('dev-dependencies reach tests, not builds', () => {
  let ws;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom('e2e/fixtures/basic');
    ws.write('crates/testkit/Cargo.toml', '[package]\nname = "testkit"\nversion = "0.1.0"\nedition = "2021"\n');
    ws.write('crates/testkit/src/lib.rs', 'pub fn sample() -> &\'static str { "Nx" }\n');
    ws.write('crates/greet/Cargo.toml', `${ws.read('crates/greet/Cargo.toml')}\n[dev-dependencies]\ntestkit = { path = "../testkit" }\n`);
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: ws.root });
    ws.nxOk(['run-many', '-t', 'build,test', '-p', 'greet']);
  });
  after(() => ws.dispose());

  it('serves greet:build from the cache after a dev-dependency edit, and runs greet:test again', () => {
    ws.write('crates/testkit/src/lib.rs', 'pub fn sample() -> &\'static str { "Cargo" }\n');
    const run = ws.nxOk(['run-many', '-t', 'build,test', '-p', 'greet', '--output-style=static']);
    assert.match(run.output, /nx run greet:build \[(local cache|existing outputs match the cache, left as is)\]/);
    assert.match(run.output, /nx run greet:test(?! \[)/);
    const affected = ws.nxOk(['show', 'projects', '--affected', '-t', 'build', '--files=crates/testkit/src/lib.rs', '--json']);
    assert.deepEqual(JSON.parse(affected.stdout), ['testkit']);
  });

  it('runs greet:build again after an edit to a normal dependency', () => {
    ws.write('crates/words/src/lib.rs', 'pub const HELLO: &str = "Hey";\n');
    const run = ws.nxOk(['run-many', '-t', 'build', '-p', 'greet', '--output-style=static']);
    assert.match(run.output, /nx run greet:build(?! \[)/);
  });
});

describe('inputs declared in [package.metadata.nx]', () => {
  let ws;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom('e2e/fixtures/basic');
    ws.write('shared/data.txt', 'one\n');
    ws.write('crates/words/build.rs', 'fn main() { println!("cargo:rerun-if-changed=../../shared/data.txt"); }\n');
    ws.nxOk(['build', 'words']);
  });
  after(() => ws.dispose());

  it('without the declaration, an edit to a file the build script reads is (wrongly) a cache hit', () => {
    ws.write('shared/data.txt', 'two\n');
    assert.match(ws.nxOk(['build', 'words']).output, HIT);
  });

  it('with it, the same edit and a change of the declared variable run the build again', () => {
    ws.write('crates/words/Cargo.toml', `${ws.read('crates/words/Cargo.toml')}\n[package.metadata.nx]\ninputs = ["{workspaceRoot}/shared/data.txt", { env = "WORDS_MODE" }]\n`);
    ws.nxOk(['build', 'words']);
    ws.write('shared/data.txt', 'three\n');
    assert.doesNotMatch(ws.nxOk(['build', 'words']).output, HIT);
    assert.match(ws.nxOk(['build', 'words']).output, HIT);
    assert.doesNotMatch(ws.nxOk(['build', 'words'], { WORDS_MODE: 'fast' }).output, HIT);
  });

  it('reaches the crates that depend on the declaring crate', () => {
    ws.nxOk(['build', 'greet']);
    ws.write('shared/data.txt', 'four\n');
    assert.doesNotMatch(ws.nxOk(['build', 'greet', '--output-style=static']).output, /nx run greet:build \[(local cache|existing outputs)/);
  });
});

describe('bad input', () => {
  let ws;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom('e2e/fixtures/basic');
    ws.write('crates/broken/Cargo.toml', '[package]\nname = "broken"\nversion = = "1"\n');
    ws.write('Cargo.lock', 'version = 4\n[[package]\nname = "x"\n');
  });
  after(() => ws.dispose());

  it('keeps the other projects and names the file and line of the malformed manifest', () => {
    const result = ws.nxOk(['show', 'projects', '--json']);
    assert.deepEqual(JSON.parse(result.stdout).sort(), ['greet', 'hello-cli', 'words']);
    assert.match(result.output, /crates\/broken\/Cargo\.toml:3:\d+: invalid TOML/);
  });

  it('names the lockfile that does not parse', () => {
    assert.match(ws.nx(['show', 'projects']).output, /Cargo\.lock:2:\d+/);
  });

  it('builds the graph without cargo on PATH, and the executor says how to install it', () => {
    const path = `${dirname(process.execPath)}:/usr/bin:/bin`;
    assert.equal(existsSync('/usr/bin/cargo'), false, 'this check needs a machine without /usr/bin/cargo');
    ws.copyFrom('e2e/fixtures/basic/Cargo.lock', 'Cargo.lock');
    const projects = ws.nxOk(['show', 'projects', '--json'], { PATH: path });
    assert.ok(JSON.parse(projects.stdout).includes('greet'));
    const build = ws.nx(['build', 'greet', '--skip-nx-cache'], { PATH: path });
    assert.notEqual(build.status, 0);
    assert.match(build.output, /cargo was not found on PATH\. Install Rust with rustup/);
  });
});

describe('target names and metadata', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
    ws.write('nx.json', JSON.stringify({ plugins: [{ plugin: 'nx-cargo', options: { buildTargetName: 'cargo-build', testTargetName: 'cargo-test' } }], targetDefaults: { 'nx-cargo:cargo': { options: { crateCache: 'builtin' } } } }));
    // A project of another kind whose build needs the crate's, through the renamed target.
    ws.write('apps/web/project.json', JSON.stringify({ name: 'web', implicitDependencies: ['hello-cli'], targets: { build: { command: 'echo web built', dependsOn: ['^cargo-build'] } } }));
  });
  after(() => ws.dispose());

  it('shows metadata on every inferred target: technologies, description, help command', () => {
    const project = JSON.parse(ws.nxOk(['show', 'project', 'hello-cli', '--json']).stdout);
    for (const [name, target] of Object.entries(project.targets)) {
      assert.deepEqual(target.metadata?.technologies, ['cargo'], name);
      assert.ok(target.metadata?.description, name);
      assert.match(target.metadata?.help?.command ?? '', /^cargo \w+ --help$/, name);
    }
  });

  it('runs renamed targets, and other projects depend on them by their new names', () => {
    const project = JSON.parse(ws.nxOk(['show', 'project', 'hello-cli', '--json']).stdout);
    assert.ok(project.targets['cargo-build'] && project.targets['cargo-test'] && !project.targets.build);
    const web = ws.nxOk(['build', 'web']);
    assert.match(web.output, /nx run hello-cli:cargo-build/);
    assert.match(web.output, /web built/);
    assert.ok(existsSync(`${ws.root}/target/debug/hello-cli`));
  });
});

describe('with the Nx daemon', () => {
  let ws;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom('e2e/fixtures/basic');
    ws.git('init', '-q');
  });
  after(() => {
    ws.nx(['daemon', '--stop'], { NX_DAEMON: 'true' });
    ws.dispose();
  });

  it('serves the same projects and edges', () => {
    ws.nxOk(['graph', '--file=graph.json'], { NX_DAEMON: 'true' });
    const { graph } = JSON.parse(ws.read('graph.json'));
    assert.deepEqual(Object.keys(graph.nodes).sort(), ['greet', 'hello-cli', 'words']);
    assert.deepEqual(graph.dependencies['hello-cli'].map((edge) => edge.target), ['greet']);
  });
});
