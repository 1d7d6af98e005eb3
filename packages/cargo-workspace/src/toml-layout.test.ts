import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { sameToml } from './toml.js';
import { replaceStrings, scanTomlLayout, setTomlStrings, stringAt } from './toml-layout.js';

const paths = (text: string) => scanTomlLayout(text).entries.map((entry) => entry.path.join('.'));

describe('scanTomlLayout', () => {
  it('records entries inside inline tables under their key, in text order', () => {
    const text = '[dependencies]\na = { path = "../a", version = "0.1.0", features = ["x"] }\nb.version = "1"\n';
    assert.deepEqual(paths(text), ['dependencies.a', 'dependencies.a.path', 'dependencies.a.version', 'dependencies.a.features', 'dependencies.b.version']);
    const version = scanTomlLayout(text).entries.find((entry) => entry.path.join('.') === 'dependencies.a.version');
    assert.equal(version?.inline, true);
    assert.deepEqual(version?.key, ['version']);
    assert.equal(text.slice(version!.valueStart, version!.valueEnd), '"0.1.0"');
  });

  it('records nested inline tables and dotted keys inside them, but not inline tables inside arrays', () => {
    const text = 'target = { "cfg(unix)" = { dependencies.a = { version = "1" } } }\nlist = [{ version = "2" }]\n';
    assert.deepEqual(paths(text), ['target', 'target.cfg(unix)', 'target.cfg(unix).dependencies.a', 'target.cfg(unix).dependencies.a.version', 'list']);
  });

  it('tells [[array]] tables apart by the header they are in', () => {
    const text = 'version = 4\n\n[[package]]\nname = "a"\n\n[[package]]\nname = "b"\n';
    const layout = scanTomlLayout(text);
    assert.deepEqual(layout.entries.map((entry) => [entry.path.join('.'), entry.table]), [['version', -1], ['package.name', 0], ['package.name', 1]]);
  });
});

describe('replaceStrings', () => {
  it('replaces string values and array items, keeping quotes, comments and the rest', () => {
    const text = "[package]\nversion = '0.1.0' # mine\n[deps]\na = { version = \"0.1\" }\nlist = [ \"a 0.1.0\", 'b' ]\n";
    const layout = scanTomlLayout(text);
    const entry = (path: string) => layout.entries.find((e) => e.path.join('.') === path)!;
    const item = entry('deps.list').array!.items[0];
    const updated = replaceStrings(text, [
      { span: { start: entry('package.version').valueStart, end: entry('package.version').valueEnd }, value: '0.2.0' },
      { span: { start: entry('deps.a.version').valueStart, end: entry('deps.a.version').valueEnd }, value: '0.2' },
      { span: item, value: 'a 0.2.0' },
    ]);
    assert.equal(updated, "[package]\nversion = '0.2.0' # mine\n[deps]\na = { version = \"0.2\" }\nlist = [ \"a 0.2.0\", 'b' ]\n");
    assert.ok(sameToml(parse(updated), { package: { version: '0.2.0' }, deps: { a: { version: '0.2' }, list: ['a 0.2.0', 'b'] } }));
  });

  it('reads single-line strings only, and refuses to replace anything else', () => {
    const text = 'a = "x\\"y"\nb = 1\nc = """\nz"""\n';
    const layout = scanTomlLayout(text);
    const span = (i: number) => ({ start: layout.entries[i].valueStart, end: layout.entries[i].valueEnd });
    assert.equal(stringAt(text, span(0)), 'x"y');
    assert.equal(stringAt(text, span(1)), undefined);
    assert.equal(stringAt(text, span(2)), undefined);
    assert.throws(() => replaceStrings(text, [{ span: span(1), value: '2' }]), /not a single-line string: 1/);
  });
});

describe('setTomlStrings', () => {
  it('sets values written as sub-tables, dotted keys or inline tables, and nothing else', () => {
    const text = '[package]\nversion = "0.1.0" # ours\n\n[dependencies.a]\nversion = "0.1"\n\n[dev-dependencies]\nb.version = "1"\nc = { path = "../c", version = "=2.0.0" }\n';
    const updated = setTomlStrings('x/Cargo.toml', text, [
      { path: ['package', 'version'], value: '0.2.0' },
      { path: ['dependencies', 'a', 'version'], value: '0.2' },
      { path: ['dev-dependencies', 'b', 'version'], value: '2' },
      { path: ['dev-dependencies', 'c', 'version'], value: '=2.0.1' },
    ]);
    assert.equal(updated, '[package]\nversion = "0.2.0" # ours\n\n[dependencies.a]\nversion = "0.2"\n\n[dev-dependencies]\nb.version = "2"\nc = { path = "../c", version = "=2.0.1" }\n');
  });

  it('refuses a path that is missing, not a string, or inside [[array]] tables, naming the file', () => {
    const text = 'a = 1\n[[bin]]\nname = "x"\n';
    assert.throws(() => setTomlStrings('f.toml', text, [{ path: ['b'], value: '1' }]), /^ManifestError: f\.toml: found 0 entries `b`/);
    assert.throws(() => setTomlStrings('f.toml', text, [{ path: ['a'], value: '1' }]), /f\.toml:1: `a` is not a one-line string/);
    assert.throws(() => setTomlStrings('f.toml', text, [{ path: ['bin', 'name'], value: 'y' }]), /found 0 entries `bin\.name`/);
  });
});
