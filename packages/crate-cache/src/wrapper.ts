import { spawn } from 'node:child_process';
import { readFile, writeFile, rename } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDepInfo } from './dep-info.js';
import { argvParts, diffParts, envParts, keyOf, type KeyPart } from './key.js';
import { CommandMemo, ioParts } from './key-inputs.js';
import { depInfoFile, unitOutputs } from './outputs.js';
import { denormalizeText, normalizeText, remapPairs, targetProfileOf, type PathRoots } from './path-roots.js';
import { classifyRustcArgs, compileArgs, isExecutableOutput, type RustcCompile } from './rustc-args.js';
import { sourceParts, sourceSetMatches, sourceSetOf } from './sources.js';
import { CrateStore, DamagedEntryError, defaultStoreRoot, parseSize, type EntryMeta, type StoredFile } from './store/index.js';
import { findWorkspaceRoot } from './workspace-root.js';

/** Everything one wrapper call needs from its process. */
export interface WrapperContext {
  rustc: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** One rustc call as cargo's RUSTC_WRAPPER: returns rustc's exit code. */
export async function runWrapper(context: WrapperContext): Promise<number> {
  const call = classifyRustcArgs(context.args);
  if (!call.cacheable) {
    const store = openStore(context.env);
    const crateName = crateLabel(context.env, crateNameOf(context.args));
    if (!call.reason.startsWith('probe')) await store.recordEvent({ at: Date.now(), session: context.env.NX_CARGO_CRATE_CACHE_SESSION, crateName, result: 'passthrough', reason: call.reason, ms: 0 });
    return (await runRustc(context.rustc, context.args, context, false)).code;
  }
  return new CachedCompile(context, call.compile).run();
}

function crateNameOf(args: string[]): string | undefined {
  const at = args.indexOf('--crate-name');
  return at === -1 ? undefined : args[at + 1];
}

/** Events and why-miss speak of packages: every build script's crate is `build_script_build`. */
function crateLabel(env: NodeJS.ProcessEnv, crateName: string | undefined): string | undefined {
  if (!crateName || crateName === '___') return undefined;
  const pkg = env.CARGO_PKG_NAME;
  return pkg && pkg.replace(/-/g, '_') !== crateName ? `${pkg}/${crateName}` : pkg ?? crateName;
}

function openStore(env: NodeJS.ProcessEnv): CrateStore {
  return new CrateStore({ root: defaultStoreRoot(env), maxBytes: parseSize(env.NX_CARGO_CRATE_CACHE_MAX_SIZE ?? '10G') });
}

class CachedCompile {
  private readonly store: CrateStore;
  private readonly roots: PathRoots;
  private readonly omit: ReadonlySet<string>;
  private readonly label: string;
  private readonly started = Date.now();

  constructor(private readonly context: WrapperContext, private readonly compile: RustcCompile) {
    this.store = openStore(context.env);
    this.roots = rootsOf(context, compile);
    this.omit = new Set((context.env.NX_CARGO_CRATE_CACHE_TEST_OMIT ?? '').split(',').filter(Boolean));
    this.label = crateLabel(context.env, compile.crateName) ?? compile.crateName;
  }

  async run(): Promise<number> {
    let baseParts: KeyPart[];
    let baseKey: string;
    try {
      baseParts = await this.baseParts();
      baseKey = keyOf(baseParts, this.omit);
      if (await this.restore(baseKey, baseParts)) return 0;
    } catch (error) {
      // The cache must never be the reason a build fails: compile as if it were off.
      await this.event('error', { reason: `key or restore failed: ${(error as Error).message}` });
      return (await runRustc(this.context.rustc, this.context.args, this.context, false)).code;
    }
    const claim = await this.store.claim(baseKey);
    try {
      // Whoever held the claim may have stored this very unit.
      if (await this.restore(baseKey, baseParts)) return 0;
      return await this.compileAndStore(baseKey, baseParts);
    } finally {
      await claim.release();
    }
  }

  private async baseParts(): Promise<KeyPart[]> {
    const { compile, context, roots } = this;
    const memo = new CommandMemo(path.join(defaultStoreRoot(context.env), 'memo'));
    return [...argvParts(compile, context.cwd, roots), ...envParts(context.env, roots), ...(await ioParts(compile, context.rustc, context.cwd, context.env, roots, memo))];
  }

  /** A hit: an earlier source set that still matches, whose entry restores intact. */
  private async restore(baseKey: string, baseParts: KeyPart[]): Promise<boolean> {
    const compare = { sources: !this.omit.has('source'), envs: !this.omit.has('env-dep') };
    for (const candidate of await this.store.readManifest(baseKey)) {
      if (!(await sourceSetMatches(candidate, this.context.env, this.roots, compare))) continue;
      const key = keyOf([...baseParts, ...sourceParts(candidate)], this.omit);
      const entry = await this.store.readEntry(key);
      if (!entry) continue;
      try {
        await this.restoreEntry(entry);
      } catch (error) {
        if (!(error instanceof DamagedEntryError)) throw error;
        await this.store.markDamaged(key, error.message);
        return false;
      }
      await this.store.touch(key);
      await this.replay(entry);
      await this.event('hit', { key });
      return true;
    }
    return false;
  }

  private async restoreEntry(entry: EntryMeta): Promise<void> {
    for (const file of entry.files) {
      const dest = path.join(this.compile.outDir, file.name.replace(UNIT_STEM, unitStem(this.compile)));
      if (file.rewrite) {
        const text = denormalizeText((await this.store.readBlob(file)).toString('utf8'), this.roots);
        const temp = `${dest}.${process.pid}.tmp`;
        await writeFile(temp, text);
        await rename(temp, dest);
      } else {
        await this.store.restoreFile(file, dest, file.executable ? 'copy' : 'link');
      }
    }
  }

  private async replay(entry: EntryMeta): Promise<void> {
    await write(process.stdout, denormalizeText(entry.stdout, this.roots));
    await write(process.stderr, denormalizeText(entry.stderr, this.roots));
  }

  private async compileAndStore(baseKey: string, baseParts: KeyPart[]): Promise<number> {
    const args = compileArgs(this.context.args, remapPairs(this.roots));
    const result = await runRustc(this.context.rustc, args, this.context, true);
    if (result.code !== 0) {
      await this.event('miss', { reason: 'compile failed: nothing stored' });
      return result.code;
    }
    try {
      const sources = await sourceSetOf(parseDepInfo(await readFile(depInfoFile(this.compile), 'utf8')), this.context.cwd, this.roots);
      const parts = [...baseParts, ...sourceParts(sources)];
      const key = keyOf(parts, this.omit);
      const files = await this.storeOutputs();
      const { stdout, stderr } = result;
      await this.store.writeEntry({ key, baseKey, crateName: this.label, createdAt: Date.now(), files, stdout: normalizeText(stdout, this.roots), stderr: normalizeText(stderr, this.roots), parts });
      await this.store.addManifestCandidate(baseKey, { ...sources, key });
      const reason = await this.missReason(parts, key);
      await this.event('miss', { key, reason, bytes: files.reduce((sum, file) => sum + file.size, 0) });
    } catch (error) {
      await this.event('error', { reason: `store failed: ${(error as Error).message}` });
    }
    return 0;
  }

  private async storeOutputs(): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    const depInfo = path.basename(depInfoFile(this.compile));
    for (const name of await unitOutputs(this.compile)) {
      const file = path.join(this.compile.outDir, name);
      const stored = name.replace(unitStem(this.compile), UNIT_STEM);
      if (name === depInfo) {
        const text = normalizeText(await readFile(file, 'utf8'), this.roots);
        const blob = await this.store.putBlobFromBuffer(Buffer.from(text));
        files.push({ name: stored, ...blob, executable: false, rewrite: true });
      } else {
        const blob = await this.store.putBlobFromFile(file);
        const immutable = name.endsWith('.rlib') || name.endsWith('.rmeta');
        files.push({ name: stored, ...blob, executable: !immutable && isExecutableOutput(this.compile), rewrite: false });
      }
    }
    return files;
  }

  /** What changed since this unit's previous entry: the answer `why-miss` prints. */
  private async missReason(parts: KeyPart[], key: string): Promise<string> {
    const unit = `${this.label}#${this.compile.crateTypes.join(',')}${this.compile.options.some((o) => o.flag === '--test') ? '+test' : ''}`;
    const last = await this.store.readLastParts(unit);
    await this.store.writeLastParts(unit, parts, key);
    if (!last) return 'first compile of this unit';
    // The store keeps parts as it got them: classes are ours.
    const changes = diffParts(last.parts as KeyPart[], parts).filter((change) => !this.omit.has(change.class));
    if (changes.length === 0) return 'entry was evicted or damaged';
    return changes.map((change) => `${change.class} ${change.name}: ${describe(change.before)} -> ${describe(change.after)}`).join('; ');
  }

  private async event(result: 'hit' | 'miss' | 'error', details: { key?: string; reason?: string; bytes?: number }): Promise<void> {
    await this.store.recordEvent({ at: Date.now(), session: this.context.env.NX_CARGO_CRATE_CACHE_SESSION, crateName: this.label, result, ms: Date.now() - this.started, ...details });
  }
}

/**
 * Output names are stored with the unit's `<crate><extra-filename>` stem
 * left open and restored under the asking unit's stem: equal keys imply
 * equal stems, and the names never decide what is served.
 */
const UNIT_STEM = '{unit}';

function unitStem(compile: RustcCompile): string {
  return `${compile.crateName}${compile.extraFilename}`;
}

function describe(value: string | undefined): string {
  if (value === undefined) return '(none)';
  const line = value.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function rootsOf(context: WrapperContext, compile: RustcCompile): PathRoots {
  const { env } = context;
  return {
    workspace: env.NX_CARGO_CRATE_CACHE_WORKSPACE || findWorkspaceRoot(context.cwd),
    targetProfile: targetProfileOf(path.resolve(context.cwd, compile.outDir)),
    cargoHome: env.CARGO_HOME || path.join(os.homedir(), '.cargo'),
    home: os.homedir(),
  };
}

/** Runs rustc with inherited stdin; output is passed on live and, when asked, also kept. */
function runRustc(rustc: string, args: string[], context: WrapperContext, capture: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const stdio = ['inherit', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit', ...jobserverFds(context.env)] as const;
    const child = spawn(rustc, args, { cwd: context.cwd, env: context.env, stdio: [...stdio] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * cargo's jobserver is a pair of inherited file descriptors named in
 * CARGO_MAKEFLAGS; rustc must get them at the same numbers, or it warns
 * and runs without cargo's limit on parallel jobs.
 */
export function jobserverFds(env: NodeJS.ProcessEnv): Array<number | 'ignore'> {
  const match = /--jobserver-(?:fds|auth)=(\d+),(\d+)/.exec(env.CARGO_MAKEFLAGS ?? '');
  if (!match) return [];
  const fds = [Number(match[1]), Number(match[2])];
  const slots: Array<number | 'ignore'> = [];
  for (let fd = 3; fd <= Math.max(...fds); fd++) slots.push(fds.includes(fd) ? fd : 'ignore');
  return slots;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => stream.write(text, () => resolve()));
}
