import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildRecorder, RecorderUnavailableError } from './build.js';
import { readRecording } from './read.js';

const temps: string[] = [];
after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

describe('buildRecorder', () => {
  it('compiles the library once into <store>/tools, also when two callers race', async () => {
    const storeRoot = tempDir('recorder-store-');
    const [a, b] = await Promise.all([buildRecorder({ storeRoot }), buildRecorder({ storeRoot })]);
    assert.equal(a, b);
    assert.match(a, new RegExp(`^${storeRoot}/tools/recorder-[0-9a-f]{16}\\.so$`));
    assert.equal(readFileSync(a).subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.deepEqual(readdirSync(join(storeRoot, 'tools')), [a.split('/').pop()]);
    assert.deepEqual(readdirSync(join(storeRoot, 'tmp')), [], 'no temp file left behind');
    assert.equal(await buildRecorder({ storeRoot, compiler: 'no-such-cc' }), a, 'a built library is reused without a compiler');
  });

  it('says why when there is no compiler, or the compiler fails', async () => {
    await assert.rejects(
      buildRecorder({ storeRoot: tempDir('recorder-store-'), compiler: 'no-such-cc' }),
      (error: unknown) => error instanceof RecorderUnavailableError && error.reason === 'no-compiler' && /no-such-cc/.test(error.message),
    );
    await assert.rejects(
      buildRecorder({ storeRoot: tempDir('recorder-store-'), compiler: 'false' }),
      (error: unknown) => error instanceof RecorderUnavailableError && error.reason === 'compile-failed' && error.file.endsWith('recorder.c'),
    );
  });
});

describe('the recorder library', () => {
  it('records what a plain C program reads, each process in its own file; nothing unless NX_CARGO_RECORD_DIR is absolute', async () => {
    const library = await buildRecorder({ storeRoot: tempDir('recorder-store-') });
    const work = tempDir('recorder-c-');
    writeFileSync(join(work, 'input.txt'), 'content\n');
    const script = 'cat input.txt >/dev/null; ls >/dev/null; cat missing.txt 2>/dev/null; true';

    const record = tempDir('recorder-log-');
    execFileSync('sh', ['-c', script], { cwd: work, env: { ...process.env, LD_PRELOAD: library, NX_CARGO_RECORD_DIR: record } });
    const processes = await readRecording(record);
    const sh = processes.find((p) => p.exe.endsWith('/dash') || p.exe.endsWith('/sh') || p.exe.endsWith('/bash'));
    assert.ok(sh, 'the shell has a log');
    assert.deepEqual(sh.argv, ['sh', '-c', script]);
    const cats = processes.filter((p) => p.argv[0] === 'cat');
    assert.equal(cats.length, 2);
    assert.ok(cats.every((p) => p.ppid === sh.pid));
    const opened = cats.flatMap((p) => p.events).filter((e) => e.kind === 'open' && e.path.startsWith(work));
    assert.deepEqual(
      opened.map((e) => e.kind === 'open' && [e.path, e.result]),
      [
        [join(work, 'input.txt'), 'found'],
        [join(work, 'missing.txt'), 'absent'],
      ],
    );
    const ls = processes.find((p) => p.argv[0] === 'ls');
    assert.ok(ls?.events.some((e) => e.kind === 'readdir' && e.path === work), 'ls lists the directory');

    // A relative directory would scatter logs into every process's cwd.
    const relative = tempDir('recorder-log-');
    writeFileSync(join(relative, 'input.txt'), 'content\n');
    execFileSync('sh', ['-c', script], { cwd: relative, env: { ...process.env, LD_PRELOAD: library, NX_CARGO_RECORD_DIR: '.' } });
    assert.deepEqual(readdirSync(relative), ['input.txt'], 'nothing is written for a relative NX_CARGO_RECORD_DIR');
  });

  it("never writes into a program's own file after the program closed every descriptor", async () => {
    const library = await buildRecorder({ storeRoot: tempDir('recorder-store-') });
    const work = tempDir('recorder-closeall-');
    // Closes every descriptor (as closefrom and Python's close_fds do), then
    // opens its own file, which gets the lowest number, and probes a path.
    writeFileSync(
      join(work, 'closeall.c'),
      [
        '#include <fcntl.h>',
        '#include <sys/stat.h>',
        '#include <unistd.h>',
        'int main(int argc, char **argv) {',
        '  for (int fd = 3; fd < 4096; fd++) close(fd);',
        '  int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);',
        '  struct stat st;',
        '  stat(argv[2], &st);',
        '  return write(out, "mine\\n", 5) == 5 ? 0 : 1;',
        '}',
      ].join('\n'),
    );
    execFileSync('cc', ['-o', join(work, 'closeall'), join(work, 'closeall.c')]);
    const record = tempDir('recorder-log-');
    const own = join(work, 'own.txt');
    execFileSync(join(work, 'closeall'), [own, join(work, 'probed')], { env: { ...process.env, LD_PRELOAD: library, NX_CARGO_RECORD_DIR: record } });
    assert.equal(readFileSync(own, 'utf8'), 'mine\n', "the program's file holds only what it wrote");
    const [closeall] = await readRecording(record);
    assert.deepEqual(
      closeall.events.map((e) => e.kind !== 'env' && e.kind !== 'exec' && [e.kind, e.path, e.result]),
      [
        ['open', own, 'found'],
        ['stat', join(work, 'probed'), 'absent'],
      ],
      'the events after the close are still recorded',
    );
  });
});
