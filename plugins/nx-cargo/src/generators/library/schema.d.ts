import type { CrateOptions } from '../shared/crate.js';

export interface LibraryGeneratorSchema extends CrateOptions {
  /** A napi-rs crate (a Node.js native addon) instead of a plain library. */
  napi?: boolean;
}
