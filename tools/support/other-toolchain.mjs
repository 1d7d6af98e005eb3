// A second Rust toolchain that every rustup machine can have offline: a
// toolchain linked with `rustup toolchain link` whose rustc reports another
// version. A plain copy of the default toolchain cannot differ in
// `rustc -vV`: rustc prints what was compiled into it, whatever folder or
// rustup name it runs under. rustc's own RUSTC_OVERRIDE_VERSION_STRING
// replaces the version it prints (the first line and `release:`), so the
// linked toolchain's bin/rustc is a launcher that sets it and runs the
// default toolchain's rustc; lib/ and the other tools are links to it.
// Cargo, and a cache that keys on `rustc -vV`, see another compiler.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestToolError, TOOLS_DIR } from './test-tools.mjs';

export const OTHER_TOOLCHAIN = 'nx-cargo-test-other';
const SUFFIX = '-nx-cargo-other';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new TestToolError(`${command} ${args.join(' ')}: ${result.error.message}${command === 'rustup' ? ' (the other-toolchain scenarios need rustup)' : ''}`);
  if (result.status !== 0) throw new TestToolError(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

const release = (verbose) => /^release: (.+)$/m.exec(verbose)?.[1];

let linked;
/**
 * The linked toolchain's name (`cargo +<name>`), linked on first use. `cwd`
 * decides the default toolchain it is made from (a rust-toolchain file
 * there counts).
 */
export function otherToolchain(cwd = process.cwd()) {
  if (linked) return linked;
  const sysroot = run('rustc', ['--print', 'sysroot'], { cwd });
  const base = release(run('rustc', ['-vV'], { cwd }));
  const dir = join(TOOLS_DIR, `toolchain-${createHash('sha256').update(sysroot).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(dir, 'bin/rustc'))) writeToolchain(dir, sysroot, `${base}${SUFFIX}`);
  run('rustup', ['toolchain', 'link', OTHER_TOOLCHAIN, dir]);
  const other = release(run('rustc', [`+${OTHER_TOOLCHAIN}`, '-vV'], { cwd }));
  if (!other || other === base) throw new TestToolError(`rustc +${OTHER_TOOLCHAIN} -vV reports release ${other}, the same as the default toolchain's`);
  linked = OTHER_TOOLCHAIN;
  return linked;
}

/** Writes the toolchain into a staging folder and renames it into place, so another process never sees half of it. */
function writeToolchain(dir, sysroot, version) {
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'bin'), { recursive: true });
  symlinkSync(join(sysroot, 'lib'), join(staging, 'lib'));
  for (const tool of readdirSync(join(sysroot, 'bin'))) if (tool !== 'rustc') symlinkSync(join(sysroot, 'bin', tool), join(staging, 'bin', tool));
  writeFileSync(join(staging, 'bin/rustc'), `#!/bin/sh\nRUSTC_OVERRIDE_VERSION_STRING='${version}' exec '${join(sysroot, 'bin/rustc')}' "$@"\n`);
  chmodSync(join(staging, 'bin/rustc'), 0o755);
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'bin/rustc'))) throw error;
  }
}
