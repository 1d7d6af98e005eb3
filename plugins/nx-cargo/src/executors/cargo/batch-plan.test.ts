import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBatch, type PlannedTask } from './batch-plan.js';
import type { CargoExecutorOptions } from './schema.js';

const task = (id: string, options: Partial<CargoExecutorOptions>): PlannedTask => ({
  id,
  options: { command: 'build', package: id.split(':')[0], cwd: '.', ...options },
});

describe('planBatch', () => {
  it('shares one cargo process between tasks that differ only in package and output folder', () => {
    const steps = planBatch([task('a:build', { profileDir: 'debug' }), task('b:build', { profileDir: 'debug' })]);
    assert.deepEqual(steps.map((step) => ('together' in step ? step.together.map((t) => t.id) : step.alone.id)), [['a:build', 'b:build']]);
  });

  it('shares the build of nextest tests whose JUnit files differ', () => {
    const steps = planBatch([task('a:test', { command: 'test', testRunner: 'nextest', junitFile: 'target/nextest/junit/a/test.xml' }), task('b:test', { command: 'test', testRunner: 'nextest', junitFile: 'target/nextest/junit/b/test.xml' })]);
    assert.deepEqual(steps.map((step) => ('together' in step ? step.together.length : 1)), [2]);
  });

  it('keeps different commands, profiles and folders apart', () => {
    const steps = planBatch([task('a:build', {}), task('b:test', { command: 'test' }), task('c:build', { release: true }), task('d:build', { cwd: 'other' })]);
    assert.equal(steps.length, 4);
    assert.ok(steps.every((step) => 'alone' in step));
  });

  it('runs tasks that choose features, fmt and run alone', () => {
    const steps = planBatch([
      task('a:build', { features: ['x'] }),
      task('b:build', { features: ['x'] }),
      task('c:fmt', { command: 'fmt' }),
      task('d:fmt', { command: 'fmt' }),
      task('e:run', { command: 'run' }),
    ]);
    assert.equal(steps.filter((step) => 'alone' in step).length, 5);
  });
});
