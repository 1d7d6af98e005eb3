import { link, mkdir, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDepInfo } from './dep-info.js';
import { argvParts, diffParts, envParts, keyOf, type KeyPart } from './key.js';
import { CommandMemo, contentIdentity, ioParts, rememberHash } from './key-inputs.js';
import { depInfoFile, unitOutputs } from './outputs.js';
import { denormalizeText, normalizeText, remapPairs, targetProfileOf, type PathRoots } from './path-roots.js';
import { classifyRustcArgs, compileArgs, isExecutableOutput, type RustcCompile } from './rustc-args.js';
import { mayLoadProcMacros, recorderLibrary, startRecording, type CompileRecording } from './compile-recording.js';
import { macroReadSetOf, sourceParts, sourceSetMatches, sourceSetOf, type SourceSet } from './sources.js';
import { CrateStore, DamagedEntryError, defaultStoreRoot, tempName, type EntryMeta, type RemoteUse, type RestoreMode, type StoredFile } from './store/index.js';
import { openStore } from './open-store.js';
import type { NotStored, RustcRunner } from './rustc-runner.js';
import { writeFileAtomic } from './fs-util.js';
import { findWorkspaceRoot } from './workspace-root.js';

/** Everything one wrapper call needs from the process cargo started. */
export interface WrapperContext {
  rustc: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Who runs rustc and writes its output: this process, or the client of the cache server. */
  runner: RustcRunner;
}

/** One rustc call as cargo's RUSTC_WRAPPER: returns rustc's exit code. */
export async function runWrapper(context: WrapperContext): Promise<number> {
  const call = classifyRustcArgs(context.args);
  if (!call.cacheable) {
    const store = openStore(context.env, 'compile');
    const crateName = crateLabel(context.env, crateNameOf(context.args));
    if (!call.reason.startsWith('probe')) await store.recordEvent({ at: Date.now(), session: context.env.NX_CARGO_CRATE_CACHE_SESSION, crateName, result: 'passthrough', reason: call.reason, ms: 0 });
    return context.runner.passthrough();
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

/** A unit's outputs linked into the store's tmp folder, by output name. */
interface Snapshot {
  dir: string;
  files: Map<string, string>;
}

/** A compile rustc finished, with what its key was built from. */
interface CompiledUnit {
  sources: SourceSet;
  parts: KeyPart[];
  key: string;
}

class CachedCompile {
  private readonly store: CrateStore;
  private readonly roots: PathRoots;
  private readonly omit: ReadonlySet<string>;
  private readonly label: string;
  private readonly started = Date.now();
  /** Private copies; links to blobs only behind a test-only switch, for the negative control of the everyday-loop scenarios. */
  private readonly restoreMode: RestoreMode;

  constructor(private readonly context: WrapperContext, private readonly compile: RustcCompile) {
    this.store = openStore(context.env, 'compile');
    this.roots = rootsOf(context, compile);
    this.omit = new Set((context.env.NX_CARGO_CRATE_CACHE_TEST_OMIT ?? '').split(',').filter(Boolean));
    this.label = crateLabel(context.env, compile.crateName) ?? compile.crateName;
    this.restoreMode = context.env.NX_CARGO_CRATE_CACHE_TEST_RESTORE === 'link' ? 'link' : 'copy';
  }

  async run(): Promise<number> {
    let baseParts: KeyPart[];
    let baseKey: string;
    let recorder: string | undefined;
    try {
      recorder = await this.recorder();
      baseParts = [...(await this.baseParts()), ...this.recordingParts(recorder)];
      baseKey = keyOf(baseParts, this.omit);
      if (await this.restore(baseKey, baseParts)) return 0;
    } catch (error) {
      // The cache must never be the reason a build fails: compile as if it were off.
      await this.event('error', { reason: `key or restore failed: ${(error as Error).message}` });
      return this.context.runner.passthrough();
    }
    const claim = await this.store.claim(baseKey);
    let storing: Promise<NotStored | undefined> | undefined;
    try {
      // Whoever held the claim may have stored this very unit.
      if (await this.restore(baseKey, baseParts)) return 0;
      const started = BigInt(Date.now()) * 1_000_000n;
      const args = compileArgs(this.context.args, remapPairs(this.roots));
      const recording = recorder ? await startRecording(recorder, this.store.paths, this.context.env, this.compile) : undefined;
      const result = await this.context.runner.compile([this.context.rustc, ...args], recording?.env);
      if (result.code !== 0) {
        await recording?.discard();
        await this.event('miss', { reason: 'compile failed: nothing stored' });
        return result.code;
      }
      // Recorded before cargo gets its answer, so a task's summary counts every unit.
      const compiled = await this.recordMiss(baseParts, started, recording);
      if (!compiled) return 0;
      // Storing after cargo's answer must not depend on target/ still being there (a CI job may remove it at once).
      const snapshot = this.context.runner.defer ? await this.snapshotOutputs() : undefined;
      // The claim is held until the entry is stored, so a waiter with the same key restores it.
      storing = this.storeCompile(baseKey, compiled, result, snapshot).finally(() => claim.release());
      if (snapshot && this.context.runner.defer) this.context.runner.defer(storing);
      else await storing;
      return 0;
    } finally {
      if (!storing) await claim.release();
    }
  }

  /**
   * The unit's outputs as they are now, hard-linked into a folder of the
   * store's tmp/ (rustc replaces an output rather than writing into it, so
   * the links keep these bytes). Undefined when the store is on another file
   * system: the caller then stores before answering.
   */
  private async snapshotOutputs(): Promise<Snapshot | undefined> {
    const dir = path.join(this.store.paths.tmp, tempName());
    try {
      await mkdir(dir, { recursive: true });
      const files = new Map<string, string>();
      for (const name of await unitOutputs(this.compile)) {
        const copy = path.join(dir, name);
        await link(path.join(this.compile.outDir, name), copy);
        files.set(name, copy);
      }
      return { dir, files };
    } catch {
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * The recorder for a compile that may run proc macros, where it can be built
   * (and unless a negative control switches it off with the test-only
   * NX_CARGO_CRATE_CACHE_TEST_RECORD=off).
   */
  private async recorder(): Promise<string | undefined> {
    if (!mayLoadProcMacros(this.compile) || this.context.env.NX_CARGO_CRATE_CACHE_TEST_RECORD === 'off') return undefined;
    return recorderLibrary(this.store.root, this.context.env);
  }

  /**
   * Whether the key covers what proc macros read: an entry stored without
   * recording must never serve a lookup that could see those reads, and the
   * other way round.
   */
  private recordingParts(recorder: string | undefined): KeyPart[] {
    if (!mayLoadProcMacros(this.compile)) return [];
    return [{ class: 'recording', name: 'proc macro reads', value: recorder ? 'recorded' : 'not recorded' }];
  }

  private async baseParts(): Promise<KeyPart[]> {
    const { compile, context, roots } = this;
    const memo = new CommandMemo(path.join(defaultStoreRoot(context.env), 'memo'));
    return [...argvParts(compile, context.cwd, roots), ...envParts(context.env, roots), ...(await ioParts(compile, context.rustc, context.cwd, context.env, roots, memo))];
  }

  /** A hit: an earlier source set that still matches, whose entry restores intact. */
  private async restore(baseKey: string, baseParts: KeyPart[]): Promise<boolean> {
    const compare = { sources: !this.omit.has('source'), envs: !this.omit.has('env-dep'), macros: true };
    for await (const candidate of this.store.candidates(baseKey, this.label)) {
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
      await this.event('hit', { key, ...this.store.remoteUse(key) });
      return true;
    }
    return false;
  }

  private async restoreEntry(entry: EntryMeta): Promise<void> {
    for (const file of entry.files) {
      const dest = path.join(this.compile.outDir, file.name.replace(UNIT_STEM, unitStem(this.compile)));
      if (file.rewrite) {
        const text = denormalizeText((await this.store.readBlob(file)).toString('utf8'), this.roots);
        await writeFileAtomic(`${dest}.${tempName()}.tmp`, dest, text);
      } else {
        await this.store.restoreFile(file, dest, file.executable ? 'copy' : this.restoreMode);
        await rememberHash(dest, file.blob);
      }
    }
  }

  private async replay(entry: EntryMeta): Promise<void> {
    await this.context.runner.replay(denormalizeText(entry.stdout, this.roots), denormalizeText(entry.stderr, this.roots));
  }

  /**
   * The miss event of a finished compile, with the full key from what rustc
   * read (its dep-info) and why it missed. Undefined when that key cannot be
   * trusted: the compile then stays out of the store.
   */
  private async recordMiss(baseParts: KeyPart[], compileStartedNs: bigint, recording: CompileRecording | undefined): Promise<CompiledUnit | undefined> {
    try {
      const sources: SourceSet = await sourceSetOf(parseDepInfo(await readFile(depInfoFile(this.compile), 'utf8')), this.context.cwd, this.roots, compileStartedNs);
      if (recording) {
        const macros = await recording.reads();
        if ('uncacheable' in macros) {
          // Compiled, not stored: nothing a key could hold stands for what the macro did.
          await this.event('passthrough', { reason: `not cacheable: ${macros.uncacheable}` });
          return undefined;
        }
        sources.macro = await macroReadSetOf(macros.reads, this.context.env, this.context.cwd, this.roots, compileStartedNs);
      }
      const parts = [...baseParts, ...sourceParts(sources)];
      const key = keyOf(parts, this.omit);
      await this.event('miss', { key, reason: await this.missReason(parts, key) });
      return { sources, parts, key };
    } catch (error) {
      await recording?.discard();
      await this.event('miss', { reason: `not stored: ${(error as Error).message}` });
      return undefined;
    }
  }

  /**
   * Stores a successful compile from its snapshot (or from the out-dir);
   * never throws: a failure to store is an event, a later miss, and what the
   * promise resolves to.
   */
  private async storeCompile(baseKey: string, { sources, parts, key }: CompiledUnit, result: { stdout: string; stderr: string }, snapshot: Snapshot | undefined): Promise<NotStored | undefined> {
    try {
      // Test-only: widens the window between cargo's answer and the store, so tests can see what waits for it.
      const delay = Number(this.context.env.NX_CARGO_CRATE_CACHE_TEST_STORE_DELAY_MS ?? 0);
      if (delay > 0) await sleep(delay);
      const files = await this.storeOutputs(snapshot?.files ?? new Map((await unitOutputs(this.compile)).map((name) => [name, path.join(this.compile.outDir, name)])));
      const stdout = normalizeText(result.stdout, this.roots);
      const stderr = normalizeText(result.stderr, this.roots);
      await this.store.writeEntry({ key, baseKey, crateName: this.label, createdAt: Date.now(), files, stdout, stderr, parts });
      await this.store.addManifestCandidate(baseKey, { ...sources, key });
      return undefined;
    } catch (error) {
      const reason = `not stored: ${(error as Error).message}`;
      return { crate: this.label, reason, logged: await this.event('error', { reason }) };
    } finally {
      if (snapshot) await rm(snapshot.dir, { recursive: true, force: true });
    }
  }

  /** Stores each output (by name) from the file that holds its bytes now. */
  private async storeOutputs(outputs: Map<string, string>): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    const depInfo = path.basename(depInfoFile(this.compile));
    for (const [name, file] of outputs) {
      const stored = name.replace(unitStem(this.compile), UNIT_STEM);
      if (name === depInfo) {
        const text = normalizeText(await readFile(file, 'utf8'), this.roots);
        const blob = await this.store.putBlobFromBuffer(Buffer.from(text));
        files.push({ name: stored, ...blob, executable: false, rewrite: true });
      } else {
        const before = await contentIdentity(file);
        const blob = await this.store.putBlobFromFile(file);
        // An output that changed while it was copied would be stored under the wrong bytes.
        if ((await contentIdentity(file)) !== before) throw new Error(`${name} changed while it was stored`);
        // Dependents hash this file as an --extern: tell them, if the out-dir still holds these very bytes (the same inode).
        await rememberHash(path.join(this.compile.outDir, name), blob.blob, before);
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

  private async event(result: 'hit' | 'miss' | 'passthrough' | 'error', details: { key?: string; reason?: string; bytes?: number; remote?: RemoteUse }): Promise<boolean> {
    return this.store.recordEvent({ at: Date.now(), session: this.context.env.NX_CARGO_CRATE_CACHE_SESSION, crateName: this.label, result, ms: Date.now() - this.started, ...details });
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
