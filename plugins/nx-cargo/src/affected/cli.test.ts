import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../cli/cli-error.js';
import { readArgs } from './cli.js';

describe('nx-cargo-affected arguments', () => {
  it('takes its own options and passes every other argument on to nx affected as given, in order', () => {
    const args = readArgs(['-t', 'build', '--base=main', '--parallel=3', '--head', 'HEAD~1', '--print', '--json', '--exclude', 'docs', '--', 'x']);
    assert.deepEqual(args, { base: 'main', head: 'HEAD~1', print: true, json: true, help: false, rest: ['-t', 'build', '--parallel=3', '--exclude', 'docs', '--', 'x'] });
  });

  it('passes groups of short options on whole (Node would split -t=build,test into letters)', () => {
    const args = readArgs(['--base', 'main', '-t=build,test', '-c=ci', '--graph=affected.json']);
    assert.deepEqual(args.rest, ['-t=build,test', '-c=ci', '--graph=affected.json']);
  });

  it('refuses what it cannot honour, naming the fix', () => {
    const refused = (argv: string[], reason: RegExp) => assert.throws(() => readArgs(argv), (error: unknown) => error instanceof CliError && error.exitCode === 2 && reason.test(error.message));
    refused(['-t', 'build'], /--base is required/);
    refused(['--base', 'main', '--files=a.rs'], /--files is not for nx-cargo-affected/);
    refused(['--base', 'main', '--uncommitted'], /--uncommitted is not for/);
    refused(['--base', 'main', '--json'], /--json goes with --print/);
    refused(['--base='], /--base needs a value/);
  });
});
