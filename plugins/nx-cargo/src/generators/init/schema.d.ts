export interface InitGeneratorSchema {
  /** Add release groups for the crates cargo would publish to nx.json, all in one fixed group or independently versioned. */
  release?: 'independent' | 'fixed';
}
