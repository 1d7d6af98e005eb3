import type { GeneratorCallback, Tree } from '@nx/devkit';
import { execSync } from 'node:child_process';
import { detectPackageManager, getPackageManagerCommand, logger, readJson, updateJson } from '../../nx-devkit.js';
import { generateCrate } from '../shared/crate.js';
import { NAPI_CLI_VERSION } from '../shared/napi-template.js';
import type { LibraryGeneratorSchema } from './schema.js';
import { message } from '../../messages.js';

/**
 * `nx g nx-cargo:library <name> [--directory crates/<name>] [--napi]`: a Cargo
 * library crate with a tested function, or with --napi a napi-rs addon that
 * `nx build` builds with the workspace's @napi-rs/cli (added to the root
 * package.json's devDependencies when missing, then installed).
 */
export async function libraryGenerator(tree: Tree, options: LibraryGeneratorSchema): Promise<GeneratorCallback | undefined> {
  await generateCrate(tree, options, options.napi ? 'napi' : 'library');
  if (!options.napi) return undefined;
  if (!tree.exists('package.json')) {
    logger.warn(message(`there is no package.json at the workspace root: install @napi-rs/cli@${NAPI_CLI_VERSION} where Node finds it from there, for \`nx build\` to run napi build.`));
    return undefined;
  }
  return addNapiCli(tree);
}

/** Adds @napi-rs/cli to the root devDependencies and installs it after the generator, unless the workspace has it already (its version stays). */
function addNapiCli(tree: Tree): GeneratorCallback | undefined {
  const manifest = readJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(tree, 'package.json');
  if (manifest.dependencies?.['@napi-rs/cli'] || manifest.devDependencies?.['@napi-rs/cli']) return undefined;
  updateJson(tree, 'package.json', (json: { devDependencies?: Record<string, string> }) => ({ ...json, devDependencies: { ...json.devDependencies, '@napi-rs/cli': NAPI_CLI_VERSION } }));
  return () => {
    execSync(getPackageManagerCommand(detectPackageManager(tree.root)).install, { cwd: tree.root, stdio: 'inherit' });
  };
}

export default libraryGenerator;
