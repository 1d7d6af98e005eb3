/**
 * Variables cargo sets itself when it runs rustc (for `env!` in a crate) or
 * a build script: their values follow from the manifest, the target options,
 * the toolchain and the paths cargo chose, all of which a task hash already
 * covers, so reading them needs no declaration.
 */
const SET_FOR_RUSTC = new Set([
  'CARGO',
  'CARGO_MANIFEST_DIR',
  'CARGO_MANIFEST_PATH',
  'CARGO_CRATE_NAME',
  'CARGO_BIN_NAME',
  'CARGO_PRIMARY_PACKAGE',
  'CARGO_TARGET_TMPDIR',
  'CARGO_RUSTC_CURRENT_DIR',
  'CARGO_SBOM_PATH',
  'OUT_DIR',
  // cargo clippy hands clippy-driver its command-line arguments (task options) this way.
  'CLIPPY_ARGS',
]);

/** Set for build scripts, besides the above. */
const SET_FOR_BUILD_SCRIPTS = new Set([
  'CARGO_MANIFEST_LINKS',
  'CARGO_MAKEFLAGS',
  'CARGO_ENCODED_RUSTFLAGS',
  'TARGET',
  'HOST',
  'NUM_JOBS',
  'OPT_LEVEL',
  'DEBUG',
  'PROFILE',
  'RUSTC',
  'RUSTDOC',
  'RUSTC_LINKER',
  'RUSTC_WRAPPER',
  'RUSTC_WORKSPACE_WRAPPER',
]);

const PREFIXES_FOR_RUSTC = ['CARGO_PKG_', 'CARGO_BIN_EXE_'];
const PREFIXES_FOR_BUILD_SCRIPTS = ['CARGO_FEATURE_', 'CARGO_CFG_', 'DEP_'];

/** True when cargo itself gives `name` its value for this reader: rustc (`env!`) or a build script (`rerun-if-env-changed`). */
export function isSetByCargo(name: string, reader: 'rustc' | 'build-script'): boolean {
  if (SET_FOR_RUSTC.has(name) || PREFIXES_FOR_RUSTC.some((prefix) => name.startsWith(prefix))) return true;
  if (reader === 'rustc') return false;
  return SET_FOR_BUILD_SCRIPTS.has(name) || PREFIXES_FOR_BUILD_SCRIPTS.some((prefix) => name.startsWith(prefix));
}
