import type { CrateTemplate } from './crate-template.js';

/**
 * The @napi-rs/cli the workspace needs for `nx build` (nx-cargo:napi runs it):
 * the major version whose outputs the plugin's targets name, from the
 * version it is tested with.
 */
export const NAPI_CLI_VERSION = '^3.10.12';

/**
 * A napi-rs crate as `napi new` lays one out: a cdylib on napi and
 * napi-derive (its default type-def feature makes napi build write index.js
 * and index.d.ts), napi-build's setup in build.rs, and a package.json whose
 * `napi` entry is what nx-cargo recognises to build it with napi build.
 */
export function napiTemplate(name: string): CrateTemplate {
  assertNpmName(name);
  const packageJson = { name, version: '0.1.0', private: true, main: 'index.js', types: 'index.d.ts', napi: { binaryName: name } };
  return {
    manifestTables: ['[lib]', 'crate-type = ["cdylib"]', '', '[dependencies]', 'napi = "3"', 'napi-derive = "3"', '', '[build-dependencies]', 'napi-build = "2"', ''].join('\n'),
    files: {
      'build.rs': BUILD_RS,
      'src/lib.rs': LIB_RS,
      'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
      // What napi build writes: `nx build` makes it again or restores it from the Nx cache.
      '.gitignore': '*.node\nindex.js\nindex.d.ts\n',
    },
  };
}

/** The package.json makes the crate an npm package too: its name must also be one npm accepts. */
function assertNpmName(name: string): void {
  if (/[A-Z]/.test(name)) throw new Error(`invalid napi-rs crate name \`${name}\`: it is also the name of its npm package, which must be lowercase`);
  if (name.startsWith('_')) throw new Error(`invalid napi-rs crate name \`${name}\`: it is also the name of its npm package, which cannot start with \`_\``);
}

const BUILD_RS = `fn main() {
    napi_build::setup();
}
`;

const LIB_RS = `use napi_derive::napi;

/// Adds two numbers; JavaScript calls it as \`sum(a, b)\`.
#[napi]
pub fn sum(a: i32, b: i32) -> i32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(sum(2, 3), 5);
    }
}
`;
