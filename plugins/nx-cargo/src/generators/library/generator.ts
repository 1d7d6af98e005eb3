import type { Tree } from '@nx/devkit';
import { generateCrate } from '../shared/crate.js';
import type { CrateGeneratorSchema } from './schema.js';

/** `nx g nx-cargo:library <name> [--directory crates/<name>]`: a Cargo library crate with a tested function. */
export async function libraryGenerator(tree: Tree, options: CrateGeneratorSchema): Promise<void> {
  await generateCrate(tree, options, 'library');
}

export default libraryGenerator;
