import type { CrateOptions } from '../shared/crate.js';

/** `nx g nx-cargo:binary`'s options: a crate's name and folder, nothing of its own. */
export type BinaryGeneratorSchema = CrateOptions;
