import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanPath, parseProcessLog, RecordingFormatError } from './log.js';

const MACRO = '/w/target/debug/deps/libprobe_macros-bde29af1bb384e9f.so';
const HEADER = [
  'nxrec1',
  '9516',
  '8069',
  '1796161275238250149',
  '/rt/bin/rustc',
  '/w',
  '2',
  'CARGO_PKG_NAME=app',
  'CARGO_MANIFEST_DIR=/w/app',
  '/rt/bin/rustc',
  '--crate-name',
  'app',
  '--extern',
  `probe_macros=${MACRO}`,
].join('\t');

describe('parseProcessLog', () => {
  it('reads the header: pid, parent, start, exe, cwd, context and argv', () => {
    const process = parseProcessLog('9516-1.rec', `${HEADER}\n`);
    assert.equal(process.file, '9516-1.rec');
    assert.equal(process.pid, 9516);
    assert.equal(process.ppid, 8069);
    assert.equal(process.startNs, 1796161275238250149n);
    assert.equal(process.exe, '/rt/bin/rustc');
    assert.equal(process.cwd, '/w');
    assert.deepEqual(process.context, { CARGO_PKG_NAME: 'app', CARGO_MANIFEST_DIR: '/w/app' });
    assert.deepEqual(process.argv, ['/rt/bin/rustc', '--crate-name', 'app', '--extern', `probe_macros=${MACRO}`]);
    assert.deepEqual(process.events, []);
    assert.equal(process.incomplete, false);
  });

  it('reads each kind of event as the library writes it, with the attributed object', () => {
    const lines = [
      HEADER,
      `env\tgetenv\t${MACRO}\tabsent\tRECORDER_GREETING`,
      'env\tgetenv\t\tfound\tCARGO_MAKEFLAGS',
      `open\topen64\t${MACRO}\tfound\t/w/app/greeting.txt\tr`,
      'open\topenat64\t\tfound\t/w/target/out/probe\trd',
      'open\topen64\t\terror:13\t/w/secret\trw',
      'open\tsyscall:openat\t\tfound\t/w/x\tp',
      `stat\tstatx\t${MACRO}\tabsent\t/w/app/./y`,
      `readdir\topendir\t${MACRO}\tfound\t/w/app/assets/.`,
      `exec\tposix_spawnp\t${MACRO}\t-\tsh\tsh\t-c\techo from-shell`,
    ];
    const { events } = parseProcessLog('f.rec', `${lines.join('\n')}\n`);
    assert.deepEqual(events, [
      { kind: 'env', op: 'getenv', object: MACRO, truncated: false, name: 'RECORDER_GREETING', result: 'absent' },
      { kind: 'env', op: 'getenv', truncated: false, name: 'CARGO_MAKEFLAGS', result: 'found' },
      {
        kind: 'open',
        op: 'open64',
        object: MACRO,
        truncated: false,
        path: '/w/app/greeting.txt',
        result: 'found',
        access: { read: true, write: false, directory: false, pathOnly: false },
      },
      {
        kind: 'open',
        op: 'openat64',
        truncated: false,
        path: '/w/target/out/probe',
        result: 'found',
        access: { read: true, write: false, directory: true, pathOnly: false },
      },
      {
        kind: 'open',
        op: 'open64',
        truncated: false,
        path: '/w/secret',
        result: 'error',
        errno: 13,
        access: { read: true, write: true, directory: false, pathOnly: false },
      },
      {
        kind: 'open',
        op: 'syscall:openat',
        truncated: false,
        path: '/w/x',
        result: 'found',
        access: { read: false, write: false, directory: false, pathOnly: true },
      },
      { kind: 'stat', op: 'statx', object: MACRO, truncated: false, path: '/w/app/y', result: 'absent' },
      { kind: 'readdir', op: 'opendir', object: MACRO, truncated: false, path: '/w/app/assets', result: 'found' },
      { kind: 'exec', op: 'posix_spawnp', object: MACRO, truncated: false, program: 'sh', argv: ['sh', '-c', 'echo from-shell'] },
    ]);
  });

  it('unescapes backslash, tab, newline and control bytes, and keeps UTF-8', () => {
    const line = 'exec\texecve\t\t-\t/bin/prog\tprog\ta\\tb\tc\\nd\te\\\\f\t\\x01\t\tgrüße';
    const [event] = parseProcessLog('f.rec', `${HEADER}\n${line}\n`).events;
    assert.deepEqual(event, {
      kind: 'exec',
      op: 'execve',
      truncated: false,
      program: '/bin/prog',
      argv: ['prog', 'a\tb', 'c\nd', 'e\\f', '\x01', '', 'grüße'],
    });
  });

  it('marks a line the library cut at its size limit', () => {
    const [event] = parseProcessLog('f.rec', `${HEADER}\nexec\texecvp\t\t-\tcc\tcc\t-o\tout\t\\!\n`).events;
    assert.deepEqual(event, { kind: 'exec', op: 'execvp', truncated: true, program: 'cc', argv: ['cc', '-o', 'out'] });
  });

  it('drops a last line without its newline and says the log is incomplete', () => {
    const process = parseProcessLog('f.rec', `${HEADER}\nenv\tgetenv\t\tfound\tHOME\nenv\tgete`);
    assert.equal(process.incomplete, true);
    assert.equal(process.events.length, 1);
  });

  it('names the file, the line and the reason when a log does not parse', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['', 1, /no header line/],
      ['{"json":true}\n', 1, /not a recorder log/],
      ['nxrec1\t1\t2\n', 1, /header has 3 fields/],
      ['nxrec1\tx\t2\t3\t/e\t/c\t0\n', 1, /pid "x" is not a number/],
      ['nxrec1\t1\t2\t3\t/e\t/c\t2\tA=1\n', 1, /announces 2 context variables/],
      [`${HEADER}\nenv\tgetenv\t\tmaybe\tHOME\n`, 2, /env result "maybe"/],
      [`${HEADER}\nopen\topen\t\tfound\t/x\tz\n`, 2, /open access "z"/],
      [`${HEADER}\nstat\tstat\t\terror:x\t/x\n`, 2, /path result "error:x"/],
      [`${HEADER}\nmmap\tmmap\t\tfound\t/x\n`, 2, /unknown event kind "mmap"/],
      [`${HEADER}\nenv\tgetenv\n`, 2, /event has 2 fields/],
    ];
    for (const [text, line, reason] of cases) {
      assert.throws(
        () => parseProcessLog('bad.rec', text),
        (error: unknown) => error instanceof RecordingFormatError && error.file === 'bad.rec' && error.line === line && reason.test(error.reason),
        JSON.stringify(text),
      );
    }
  });
});

describe('cleanPath', () => {
  it('drops `.` segments and extra slashes but keeps `..`, which follows symlinks', () => {
    assert.equal(cleanPath('/w/app/.'), '/w/app');
    assert.equal(cleanPath('/w//app/./x/'), '/w/app/x');
    assert.equal(cleanPath('/w/link/../x'), '/w/link/../x');
    assert.equal(cleanPath('/'), '/');
    assert.equal(cleanPath('rel/./x'), 'rel/x');
  });
});
