import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { addWorkspaceMember, isWorkspaceMember } from './workspace-manifest.js';

const add = (text: string, member = 'crates/new') => addWorkspaceMember('Cargo.toml', text, member);

describe('addWorkspaceMember', () => {
  it('appends to a single-line array', () => {
    assert.equal(add('[workspace]\nmembers = ["crates/a", "crates/b"]\n'), '[workspace]\nmembers = ["crates/a", "crates/b", "crates/new"]\n');
  });

  it('fills an empty single-line array', () => {
    assert.equal(add('[workspace]\nmembers = []\nresolver = "2"\n'), '[workspace]\nmembers = ["crates/new"]\nresolver = "2"\n');
  });

  it('keeps a trailing comma in a single-line array', () => {
    assert.equal(add('[workspace]\nmembers = ["a",]\n'), '[workspace]\nmembers = ["a", "crates/new",]\n');
  });

  it('adds a line to a multi-line array and keeps every comment', () => {
    const text = [
      '# The workspace root.',
      '[workspace]',
      'resolver = "2" # keep this',
      'members = [',
      '    # core crates',
      '    "crates/core", # the core',
      '    # "crates/old",',
      '    "tools/gen",   # generator',
      ']',
      '',
      '[workspace.package]',
      'version = "1.2.3" # shared',
      '',
    ].join('\n');
    const expected = text.replace('    "tools/gen",   # generator\n', '    "tools/gen",   # generator\n    "crates/new",\n');
    assert.equal(add(text), expected);
  });

  it('adds a comma after a last item that had none, before its comment', () => {
    const text = '[workspace]\nmembers = [\n  "a",\n  "b" # last\n]\n';
    assert.equal(add(text), '[workspace]\nmembers = [\n  "a",\n  "b", # last\n  "crates/new"\n]\n');
  });

  it('handles a closing bracket on the last item\'s line', () => {
    const text = '[workspace]\nmembers = ["a",\n           "b"]\n';
    assert.equal(add(text), '[workspace]\nmembers = ["a",\n           "b",\n           "crates/new"]\n');
  });

  it('adds to an empty multi-line array', () => {
    const text = '[workspace]\nmembers = [\n    # none yet\n]\n';
    assert.equal(add(text), '[workspace]\nmembers = [\n    # none yet\n    "crates/new",\n]\n');
  });

  it('keeps CRLF line endings', () => {
    const text = '[workspace]\r\nmembers = [\r\n    "a",\r\n]\r\n';
    assert.equal(add(text), '[workspace]\r\nmembers = [\r\n    "a",\r\n    "crates/new",\r\n]\r\n');
  });

  it('adds members to a [workspace] table that has none', () => {
    const text = '[package]\nname = "root"\n\n[workspace] # here\nresolver = "2"\n';
    assert.equal(add(text), '[package]\nname = "root"\n\n[workspace] # here\nmembers = ["crates/new"]\nresolver = "2"\n');
  });

  it('is not fooled by members keys in other tables or inside strings', () => {
    const text = [
      '[workspace.metadata]',
      'members = ["not/this"]',
      'note = """',
      '[workspace]',
      'members = ["fake"]',
      '"""',
      '',
      '[workspace]',
      "members = ['crates/a'] # real",
      '',
    ].join('\n');
    const updated = add(text);
    assert.equal(updated, text.replace("members = ['crates/a'] # real", "members = ['crates/a', \"crates/new\"] # real"));
    const parsed = parse(updated) as { workspace: { members: string[]; metadata: { members: string[] } } };
    assert.deepEqual(parsed.workspace.members, ['crates/a', 'crates/new']);
    assert.deepEqual(parsed.workspace.metadata.members, ['not/this']);
  });

  it('adds a dotted key when the workspace is defined with dotted keys', () => {
    const text = 'workspace.resolver = "2"\n\n[profile.release]\nlto = true\n';
    assert.equal(add(text), 'workspace.resolver = "2"\n\nworkspace.members = ["crates/new"]\n\n[profile.release]\nlto = true\n');
  });

  it('appends a [workspace] table to a manifest without one', () => {
    assert.equal(add('[package]\nname = "root"\nversion = "0.1.0"\n'), '[package]\nname = "root"\nversion = "0.1.0"\n\n[workspace]\nmembers = ["crates/new"]\n');
  });

  it('refuses a manifest that is not TOML, naming the file', () => {
    assert.throws(() => add('[workspace\nmembers = []\n'), /Cargo\.toml:1:\d+: invalid TOML/);
  });

  it('refuses a members value that is not an array', () => {
    assert.throws(() => add('[workspace]\nmembers = "crates/*"\n'), /workspace\.members in Cargo\.toml is not an array/);
  });
});

describe('isWorkspaceMember', () => {
  it('matches literal entries, normalized', () => {
    assert.equal(isWorkspaceMember({ members: ['./crates/a/'] }, 'crates/a'), true);
    assert.equal(isWorkspaceMember({ members: ['crates/a'] }, 'crates/b'), false);
    assert.equal(isWorkspaceMember({}, 'crates/b'), false);
  });

  it('matches globs one folder level at a time, and **', () => {
    assert.equal(isWorkspaceMember({ members: ['crates/*'] }, 'crates/a'), true);
    assert.equal(isWorkspaceMember({ members: ['crates/*'] }, 'crates/a/b'), false);
    assert.equal(isWorkspaceMember({ members: ['crates/**'] }, 'crates/a/b'), true);
    assert.equal(isWorkspaceMember({ members: ['crates/*'] }, 'crates/.hidden'), true);
  });

  it('honours exclude for globs but not for literal members', () => {
    assert.equal(isWorkspaceMember({ members: ['crates/*'], exclude: ['crates/skip'] }, 'crates/skip'), false);
    assert.equal(isWorkspaceMember({ members: ['crates/*', 'crates/skip'], exclude: ['crates/skip'] }, 'crates/skip'), true);
  });
});
