/**
 * Which packages of a would-be batch can share one cargo process without
 * being built differently than alone. `cargo build -p a -p b` unifies
 * features: a dependency that `a` uses with feature x and `b` with feature y
 * is built once with both, so `a` is no longer what `cargo build -p a`
 * makes. Reads the feature graph that `cargo tree -e features --prefix depth
 * -f {p} -p a -p b ...` prints for the batch, takes for each root the
 * features it activates by itself, and groups roots greedily (in the given
 * order) so that within a group every package a root reaches gets exactly
 * the features that root asks for. A root cargo did not print, or one
 * reaching a crate present in two versions (whose features cannot be told
 * apart by name), gets a group of its own.
 */
export function featureCompatibleGroups(treeOutput: string, roots: readonly string[]): string[][] {
  const graph = parseFeatureTree(treeOutput);
  const groups: Array<{ roots: string[]; features: Map<string, Set<string>>; closed: boolean }> = [];
  for (const root of roots) {
    const own = activated(graph, root);
    const closed = !graph.roots.has(root) || [...own.keys()].some((pkg) => graph.ambiguous.has(nameOf(pkg)));
    const group = closed ? undefined : groups.find((candidate) => !candidate.closed && agrees(candidate.features, own));
    if (!group) {
      groups.push({ roots: [root], features: new Map(own), closed });
      continue;
    }
    group.roots.push(root);
    for (const [pkg, set] of own) group.features.set(pkg, set);
  }
  return groups.map((group) => group.roots);
}

/** Whether every package both reach gets the same features from each: then building them together changes neither. */
function agrees(group: Map<string, Set<string>>, own: Map<string, Set<string>>): boolean {
  for (const [pkg, set] of own) {
    const theirs = group.get(pkg);
    if (theirs && (theirs.size !== set.size || [...set].some((feature) => !theirs.has(feature)))) return false;
  }
  return true;
}

interface FeatureGraph {
  children: Map<string, Set<string>>;
  /** Root package name -> its node label. */
  roots: Map<string, string>;
  /** Feature nodes selected on the command line, per package node label. */
  commandLine: Map<string, Set<string>>;
  /** Crate names that appear in more than one version. */
  ambiguous: Set<string>;
}

const LINE = /^(\d+)(.*?)( \(command-line\))?( \(\*\))?$/;
const FEATURE = /^(\S+) feature "([^"]+)"$/;

function parseFeatureTree(output: string): FeatureGraph {
  const graph: FeatureGraph = { children: new Map(), roots: new Map(), commandLine: new Map(), ambiguous: new Set() };
  const versions = new Map<string, Set<string>>();
  const stack: string[] = [];
  for (const raw of output.split('\n')) {
    const match = LINE.exec(raw.trimEnd());
    if (!match) continue;
    const depth = Number(match[1]);
    const label = match[2];
    stack.length = depth;
    const parent = stack[depth - 1];
    stack[depth] = label;
    if (!FEATURE.test(label)) {
      const [name, version] = label.split(' ');
      versions.set(name, (versions.get(name) ?? new Set()).add(version));
      if (depth === 0) graph.roots.set(name, label);
    }
    if (parent === undefined) continue;
    if (match[3]) {
      // Printed under whichever root came first; it belongs to the package it names.
      const set = graph.commandLine.get(nameOf(label)) ?? new Set<string>();
      graph.commandLine.set(nameOf(label), set.add(label));
      continue;
    }
    const children = graph.children.get(parent) ?? new Set<string>();
    graph.children.set(parent, children.add(label));
  }
  for (const [name, set] of versions) if (set.size > 1) graph.ambiguous.add(name);
  return graph;
}

/** Package label -> features activated when `root` alone is selected. */
function activated(graph: FeatureGraph, root: string): Map<string, Set<string>> {
  const start = graph.roots.get(root);
  const features = new Map<string, Set<string>>();
  if (start === undefined) return features;
  const seen = new Set<string>();
  const queue = [start, ...(graph.commandLine.get(root) ?? [])];
  while (queue.length > 0) {
    const label = queue.pop() as string;
    if (seen.has(label)) continue;
    seen.add(label);
    const feature = FEATURE.exec(label);
    for (const child of graph.children.get(label) ?? []) {
      if (feature && !FEATURE.test(child)) {
        const set = features.get(child) ?? new Set<string>();
        features.set(child, set.add(feature[2]));
      } else if (!FEATURE.test(child) && !features.has(child)) {
        features.set(child, new Set());
      }
      queue.push(child);
    }
  }
  return features;
}

/** The crate name of a package or feature node label. */
function nameOf(label: string): string {
  return label.split(' ')[0];
}
