import { addDependenciesToPackageJson, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { generateCrate } from '../shared/crate.js';
import { NAPI_CLI_VERSION } from '../shared/napi-template.js';
import type { CrateGeneratorSchema } from './schema.js';

/**
 * `nx g nx-cargo:library <name> [--directory crates/<name>] [--napi]`: a Cargo
 * library crate with a tested function, or with --napi a napi-rs addon that
 * `nx build` builds with the workspace's @napi-rs/cli (added to the root
 * package.json's devDependencies when missing, then installed).
 */
export async function libraryGenerator(tree: Tree, options: CrateGeneratorSchema): Promise<GeneratorCallback | undefined> {
  await generateCrate(tree, options, options.napi ? 'napi' : 'library');
  if (!options.napi) return undefined;
  if (!tree.exists('package.json')) {
    logger.warn(`nx-cargo: there is no package.json at the workspace root: install @napi-rs/cli@${NAPI_CLI_VERSION} where Node finds it from there, for \`nx build\` to run napi build.`);
    return undefined;
  }
  // A version the workspace already has stays as it is.
  return addDependenciesToPackageJson(tree, {}, { '@napi-rs/cli': NAPI_CLI_VERSION }, 'package.json', true);
}

export default libraryGenerator;
