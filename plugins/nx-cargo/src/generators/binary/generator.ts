import type { Tree } from '@nx/devkit';
import { generateCrate } from '../shared/crate.js';
import type { BinaryGeneratorSchema } from './schema.js';

/** `nx g nx-cargo:binary <name> [--directory crates/<name>]`: a Cargo binary crate with a tested helper. */
export async function binaryGenerator(tree: Tree, options: BinaryGeneratorSchema): Promise<void> {
  await generateCrate(tree, options, 'binary');
}

export default binaryGenerator;
