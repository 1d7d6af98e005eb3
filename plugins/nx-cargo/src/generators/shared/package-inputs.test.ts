import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPackageInputs, PackageInputsError } from './package-inputs.js';

const FILE = 'crates/app/Cargo.toml';
const PACKAGE = '[package]\nname = "app" # the binary\nversion = "0.1.0"\n\n[dependencies]\nutil = { path = "../util" }\n';

describe('addPackageInputs', () => {
  it('appends the table, one entry per line, when the manifest has none', () => {
    assert.equal(
      addPackageInputs(FILE, PACKAGE, ['"{workspaceRoot}/data/x.txt"', '{ env = "APP_GREETING" }']),
      `${PACKAGE}\n[package.metadata.nx]\ninputs = [\n    "{workspaceRoot}/data/x.txt",\n    { env = "APP_GREETING" },\n]\n`,
    );
    assert.equal(addPackageInputs(FILE, PACKAGE, ['{ runtime = "git rev-parse HEAD" }']), `${PACKAGE}\n[package.metadata.nx]\ninputs = [{ runtime = "git rev-parse HEAD" }]\n`);
  });

  it('adds `inputs` under an existing [package.metadata.nx] header, before the next table', () => {
    const text = `${PACKAGE}\n[package.metadata.nx]\ntags = ["rust"]\n\n[features]\nfast = []\n`;
    assert.equal(addPackageInputs(FILE, text, ['{ env = "X" }']), `${PACKAGE}\n[package.metadata.nx]\ninputs = [{ env = "X" }]\ntags = ["rust"]\n\n[features]\nfast = []\n`);
  });

  it('extends an existing array in its own style, keeping comments', () => {
    const multi = `${PACKAGE}\n[package.metadata.nx]\ninputs = [\n  "{workspaceRoot}/a.txt", # shared data\n]\n`;
    assert.equal(addPackageInputs(FILE, multi, ['{ env = "X" }']), `${PACKAGE}\n[package.metadata.nx]\ninputs = [\n  "{workspaceRoot}/a.txt", # shared data\n  { env = "X" },\n]\n`);
    const single = `${PACKAGE}\n[package.metadata.nx]\ninputs = ["{workspaceRoot}/a.txt"]\n`;
    assert.equal(addPackageInputs(FILE, single, ['{ env = "X" }', '{ env = "Y" }']), `${PACKAGE}\n[package.metadata.nx]\ninputs = ["{workspaceRoot}/a.txt", { env = "X" }, { env = "Y" }]\n`);
  });

  it('extends an array written as a dotted key', () => {
    const text = `${PACKAGE}\n[package.metadata]\nnx.inputs = []\n`;
    assert.equal(addPackageInputs(FILE, text, ['{ env = "X" }']), `${PACKAGE}\n[package.metadata]\nnx.inputs = [{ env = "X" }]\n`);
  });

  it('adds nothing that is there already, by value', () => {
    const text = `${PACKAGE}\n[package.metadata.nx]\ninputs = [{env="X"}]\n`;
    assert.equal(addPackageInputs(FILE, text, ['{ env = "X" }']), text);
    assert.equal(addPackageInputs(FILE, text, ['{ env = "X" }', '{ env = "X" }', '"a"']), `${PACKAGE}\n[package.metadata.nx]\ninputs = [{env="X"}, "a"]\n`);
  });

  it('keeps CRLF line ends', () => {
    const text = PACKAGE.replace(/\n/g, '\r\n');
    assert.equal(addPackageInputs(FILE, text, ['"a"', '"b"']), `${text}\r\n[package.metadata.nx]\r\ninputs = [\r\n    "a",\r\n    "b",\r\n]\r\n`);
  });

  it('refuses, naming the file, where a header would redefine the table, or inputs is not an array', () => {
    const inline = `${PACKAGE}\n[package.metadata]\nnx = { tags = [] }\n`;
    assert.throws(() => addPackageInputs(FILE, inline, ['"a"']), (error: unknown) => error instanceof PackageInputsError && error.file === FILE && /inline table or dotted keys/.test(error.reason));
    const scalar = `${PACKAGE}\n[package.metadata.nx]\ninputs = "a"\n`;
    assert.throws(() => addPackageInputs(FILE, scalar, ['"b"']), /inputs is not an array/);
    assert.throws(() => addPackageInputs(FILE, '[package\n', ['"b"']), PackageInputsError);
  });
});
