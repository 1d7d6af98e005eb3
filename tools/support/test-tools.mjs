// Tools the tests run besides cargo, kept where a machine keeps them between
// runs: `NX_CARGO_TEST_TOOLS`, else `$XDG_CACHE_HOME/nx-cargo-test-tools`
// (`~/.cache/...`). CI can cache that folder; a clean machine fills it once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const TOOLS_DIR = process.env.NX_CARGO_TEST_TOOLS || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nx-cargo-test-tools');

/** A setup step the tests need could not be done; the message says what to do. */
export class TestToolError extends Error {}

/**
 * A tool from crates.io at one pinned version: the executable on PATH when
 * it reports that version, else the one `ensure` installed with
 * `cargo install` into TOOLS_DIR/<crate>-<version>.
 */
export class CargoTool {
  /**
   * `locked`: install with --locked; `minutes`: about how long the install
   * takes on 2 cores; `installEnv`: cargo settings for the install only
   * (profile overrides that keep a CI machine's first run short).
   */
  constructor({ crate, version, bin = crate, locked, minutes, installEnv = {} }) {
    Object.assign(this, { crate, version, bin, locked, minutes, installEnv });
    this.root = join(TOOLS_DIR, `${crate}-${version}`);
  }

  /** `<file> --version` starts with `<bin> <version>`. */
  isPinned(file) {
    const result = spawnSync(file, ['--version'], { encoding: 'utf8' });
    const first = result.stdout?.split('\n')[0] ?? '';
    return result.status === 0 && (first === `${this.bin} ${this.version}` || first.startsWith(`${this.bin} ${this.version} `));
  }

  /** The pinned executable, or undefined when this machine has none. */
  find(env = process.env) {
    const candidates = [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, this.bin)), join(this.root, 'bin', this.bin)];
    return candidates.find((file) => existsSync(file) && this.isPinned(file));
  }

  /** The pinned executable, or an error that says how to get it. */
  require() {
    const found = this.find();
    if (!found) throw new TestToolError(`${this.crate} ${this.version} is not installed: run \`node tools/support/ensure-test-tools.mjs\` (npm test runs it first; it installs ${this.crate} from crates.io, about ${this.minutes} minutes on 2 cores, once per machine)`);
    return found;
  }

  /**
   * Installs the pinned version when the machine has none: `cargo install`
   * into a staging folder, renamed into place when complete, so an
   * interrupted install is never taken for a finished one. cargo's progress
   * goes to this process's stderr. Returns the executable.
   */
  ensure(log = console.error) {
    const found = this.find();
    if (found) return found;
    const staging = `${this.root}.staging`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(TOOLS_DIR, { recursive: true });
    const args = ['install', this.crate, '--version', `=${this.version}`, ...(this.locked ? ['--locked'] : []), '--root', staging];
    log(`${this.crate} ${this.version} is not installed: \`cargo ${args.slice(0, -2).join(' ')}\` into ${this.root} (about ${this.minutes} minutes on 2 cores, once per machine)`);
    const started = Date.now();
    const result = spawnSync('cargo', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...this.installEnv } });
    if (result.error) throw new TestToolError(`cannot run cargo to install ${this.crate} (${result.error.message}); install Rust with rustup first`);
    if (result.status !== 0) throw new TestToolError(`cargo install ${this.crate} --version =${this.version} failed (exit ${result.status}); its output is above`);
    rmSync(this.root, { recursive: true, force: true });
    renameSync(staging, this.root);
    log(`${this.crate} ${this.version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
    const installed = join(this.root, 'bin', this.bin);
    if (!this.isPinned(installed)) throw new TestToolError(`${installed} does not report ${this.bin} ${this.version} after its install`);
    return installed;
  }
}
