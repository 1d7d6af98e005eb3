import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { prepareNextest } from './nextest.js';

describe('prepareNextest', () => {
  it("names the task's JUnit file in the run's profile through a tool config, after removing an old report", async () => {
    const root = mkdtempSync(join(tmpdir(), 'nextest-unit-'));
    try {
      const junitFile = 'target/nextest/junit/calc/test.xml';
      mkdirSync(dirname(join(root, junitFile)), { recursive: true });
      writeFileSync(join(root, junitFile), '<old/>');
      const run = await prepareNextest({ command: 'test', package: 'calc', cwd: '.', testRunner: 'nextest', nextestProfile: 'ci', junitFile }, root);
      assert.equal(existsSync(join(root, junitFile)), false, 'an earlier report is never cached as this run\'s');
      const toolConfig = run.args[run.args.indexOf('--tool-config-file') + 1].replace(/^nx-cargo:/, '');
      assert.equal(JSON.stringify(parse(readFileSync(toolConfig, 'utf8'))), JSON.stringify({ profile: { ci: { junit: { path: join(root, junitFile) } } } }));
      assert.match((await run.finish(0)) ?? '', /nextest wrote no JUnit report to target\/nextest\/junit\/calc\/test.xml: a junit.path of profile "ci"/);
      assert.equal(existsSync(toolConfig), false, 'the tool config goes with the run');
      const again = await prepareNextest({ command: 'test', package: 'calc', cwd: '.', testRunner: 'nextest', junitFile }, root);
      writeFileSync(join(root, junitFile), '<testsuites/>');
      assert.equal(await again.finish(100), undefined, 'tests failed, the report is there');
      const unbuilt = await prepareNextest({ command: 'test', package: 'calc', cwd: '.', testRunner: 'nextest', junitFile }, root);
      assert.equal(await unbuilt.finish(101), undefined, 'no tests ran (the build failed): no report is due');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs without a tool config when the task has no JUnit file', async () => {
    const run = await prepareNextest({ command: 'test', package: 'calc', cwd: '.', testRunner: 'nextest' }, '/nowhere');
    assert.equal(run.args.includes('--tool-config-file'), false);
    assert.equal(await run.finish(0), undefined);
  });
});
