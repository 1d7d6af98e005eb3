import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { hash } from 'blake3';
import type { KeyPart } from './key.js';
import { normalizeText, type PathRoots } from './path-roots.js';
import { codegenValue, isLinked, type RustcCompile } from './rustc-args.js';
import { errorCode, writeFileAtomic } from './fs-util.js';
import { glibcVersion } from './glibc.js';
import { hashFile as hashFileContents } from './hash.js';
import { tempName } from './store/index.js';

const run = promisify(execFile);

/**
 * Content hashes this process already knows, by path, checked against the
 * file's identity (inode, size, mtime and ctime in ns) before use: the
 * cache server lives across many calls and dependents hash the same rlibs.
 */
const knownHashes = new Map<string, { identity: string; hash: string }>();

function identityOf(info: import('node:fs').BigIntStats): string {
  return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

/**
 * What changes when a file's bytes are written or the file is replaced
 * (not its ctime: cargo hardlinks fresh outputs, which touches ctime only).
 */
export async function contentIdentity(file: string): Promise<string> {
  return contentIdentityOf(await stat(file, { bigint: true }));
}

function contentIdentityOf(info: import('node:fs').BigIntStats): string {
  return `${info.ino}:${info.size}:${info.mtimeNs}`;
}

/** blake3 of a file's bytes, or null when it does not exist. */
export async function hashFile(file: string): Promise<string | null> {
  try {
    const identity = identityOf(await stat(file, { bigint: true }));
    const known = knownHashes.get(file);
    if (known?.identity === identity) return known.hash;
    const { hash: digest } = await hashFileContents(file);
    // Re-checked after reading: a file that changed meanwhile is hashed, never remembered.
    if (identityOf(await stat(file, { bigint: true })) === identity) knownHashes.set(file, { identity, hash: digest });
    return digest;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Records a hash learnt elsewhere (a verified restore, a stored output) for
 * the file as it is now; with `expected`, only while its content identity
 * is still that one.
 */
export async function rememberHash(file: string, digest: string, expected?: string): Promise<void> {
  const info = await stat(file, { bigint: true }).catch(() => undefined);
  if (!info || (expected !== undefined && contentIdentityOf(info) !== expected)) return;
  knownHashes.set(file, { identity: identityOf(info), hash: digest });
}

/**
 * Answers of slow commands (`rustc -vV`, `cc --version`) remembered per
 * binary, keyed by the binary's path, size, mtime and inode: a toolchain
 * update replaces the file and so the answer is asked again.
 */
export class CommandMemo {
  constructor(private readonly dir: string) {}

  private static readonly answers = new Map<string, string>();

  async output(binary: string, args: string[]): Promise<string> {
    const info = await stat(binary);
    const id = hash(JSON.stringify([binary, args, info.size, info.mtimeMs, info.ino])).toString('hex');
    const known = CommandMemo.answers.get(id);
    if (known !== undefined) return known;
    const file = path.join(this.dir, id);
    const remembered = await readFile(file, 'utf8').catch(() => undefined);
    const answer = remembered ?? (await run(binary, args)).stdout;
    CommandMemo.answers.set(id, answer);
    if (remembered === undefined) await this.remember(file, answer);
    return answer;
  }

  /** Failing to remember only costs asking again; concurrent writers each use their own temp name. */
  private async remember(file: string, answer: string): Promise<void> {
    await writeFileAtomic(`${file}.${tempName()}.tmp`, file, answer).catch(() => undefined);
  }
}

/**
 * Whether `rustc` is a toolchain's own binary (a `lib/rustlib` beside its
 * `bin`), whose answer depends on the file alone. A rustup proxy or a
 * script picks a toolchain from the environment and the folder, so it is
 * asked every time.
 */
async function isToolchainBinary(rustc: string): Promise<boolean> {
  try {
    return (await stat(path.join(path.dirname(path.dirname(await realpath(rustc))), 'lib', 'rustlib'))).isDirectory();
  } catch {
    return false;
  }
}

/** Finds an executable file on PATH the way a shell does. */
export async function which(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (name.includes('/')) return name;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The inputs a key needs from the file system and the toolchain, besides the sources. */
export async function ioParts(compile: RustcCompile, rustc: string, cwd: string, env: NodeJS.ProcessEnv, roots: PathRoots, memo: CommandMemo): Promise<KeyPart[]> {
  const toolchain = (await isToolchainBinary(rustc)) ? await memo.output(rustc, ['-vV']) : (await run(rustc, ['-vV'], { env })).stdout;
  const parts: KeyPart[] = [{ class: 'toolchain', name: 'rustc -vV', value: toolchain }];
  const searchDirs = compile.options.filter((o) => o.flag === '-L').map((o) => path.resolve(cwd, (o.value ?? '').replace(/^[a-z]+=/, '')));
  let libraries = 0;
  for (const option of compile.options) {
    const value = option.value ?? '';
    if (option.flag === '--target') parts.push({ class: 'target', name: 'target', value: await targetIdentity(value, cwd) });
    if (option.flag === '--extern') parts.push(await externPart(value, cwd));
    if (option.flag === '-l') parts.push({ class: 'link-lib', name: `${libraries++} ${value}`, value: await libraryHash(value, searchDirs) });
  }
  if (isLinked(compile)) {
    parts.push({ class: 'linker', name: 'linker', value: await linkerIdentity(codegenValue(compile.options, 'linker') ?? 'cc', env, memo, roots) });
    parts.push({ class: 'libc', name: 'glibc', value: glibcVersion() ?? 'unknown' });
  }
  return parts;
}

/** A target triple, or a target-spec file keyed by its contents. */
async function targetIdentity(target: string, cwd: string): Promise<string> {
  if (!target.endsWith('.json')) return target;
  return `spec ${(await hashFile(path.resolve(cwd, target))) ?? 'missing'}`;
}

/** `--extern name=path`: keyed by name and the file's contents, never its location. */
async function externPart(value: string, cwd: string): Promise<KeyPart> {
  const eq = value.indexOf('=');
  if (eq === -1) return { class: 'extern', name: value, value: '' };
  const file = path.resolve(cwd, value.slice(eq + 1));
  return { class: 'extern', name: value.slice(0, eq), value: (await hashFile(file)) ?? `missing ${path.basename(file)}` };
}

/** `-l [KIND[:MODIFIERS]=]NAME[:RENAME]`: the contents of the library found in `-L` folders, if any. */
async function libraryHash(spec: string, searchDirs: string[]): Promise<string> {
  const name = spec.replace(/^[^=]*=/, '').split(':')[0];
  for (const dir of searchDirs) {
    for (const file of [`lib${name}.a`, `lib${name}.so`, `${name}.lib`]) {
      const digest = await hashFile(path.join(dir, file));
      if (digest) return `${file} ${digest}`;
    }
  }
  // A system library: its identity comes with the linker and libc parts.
  return 'system';
}

async function linkerIdentity(linker: string, env: NodeJS.ProcessEnv, memo: CommandMemo, roots: PathRoots): Promise<string> {
  const resolved = await which(linker, env);
  if (!resolved) return `${linker} (not found)`;
  const version = await memo.output(resolved, ['--version']).catch(() => 'no --version');
  return `${normalizeText(resolved, roots)} ${version.split('\n')[0]}`;
}

