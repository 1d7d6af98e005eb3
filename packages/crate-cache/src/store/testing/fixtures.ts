import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { hash } from 'blake3';
import type { EntryMeta, StoredFile } from '../types.js';

/** A fresh directory, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crate-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A well-formed key (64 hex) derived from a label, so tests read as `testKey('a')`. */
export function testKey(label: string): string {
  return hash(label).toString('hex');
}

export function storedFile(name: string, put: { blob: string; size: number }, executable = false): StoredFile {
  return { name, ...put, executable, rewrite: false };
}

export function entryFor(key: string, files: StoredFile[], crateName = 'demo'): EntryMeta {
  return {
    key,
    baseKey: testKey(`base of ${key}`),
    crateName,
    createdAt: 1_700_000_000_000,
    files,
    stdout: '{"reason":"compiler-artifact"}\n',
    stderr: 'warning: unused variable\n',
    parts: [{ class: 'crate', name: 'name', value: crateName }],
  };
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled helper from this directory with node. */
export function runHelper(script: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
