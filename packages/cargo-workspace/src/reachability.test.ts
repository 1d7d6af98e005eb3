import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeMask, Reachability } from './reachability.js';

/** The plain walk from one node: what Reachability must agree with. */
function walk(successors: number[][], from: number): number[] {
  const seen = new Set<number>();
  const queue = [...successors[from]];
  while (queue.length > 0) {
    const node = queue.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    queue.push(...successors[node]);
  }
  return [...seen].sort((a, b) => a - b);
}

/** A seeded generator, so that a failure names a graph that can be rebuilt. */
function randomGraph(seed: number, count: number, edgesPerNode: number): number[][] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * edgesPerNode) }, () => Math.floor(next() * count)));
}

describe('Reachability', () => {
  it('agrees with a walk from every node, on graphs with cycles, self-loops and over 32 nodes', () => {
    for (const [seed, count, edges] of [[1, 5, 3], [2, 40, 2], [3, 70, 4], [4, 200, 1.5], [5, 33, 6]] as const) {
      const graph = randomGraph(seed, count, edges);
      const reach = new Reachability(graph);
      const even = new NodeMask(count, (node) => node % 2 === 0);
      for (let node = 0; node < count; node++) {
        const expected = walk(graph, node);
        assert.deepEqual(reach.reached(node), expected, `seed ${seed}, node ${node}`);
        assert.equal(reach.count(node), expected.length, `seed ${seed}, node ${node}`);
        assert.deepEqual(reach.reached(node, even), expected.filter((reached) => reached % 2 === 0), `seed ${seed}, node ${node}, even only`);
      }
    }
  });

  it('follows a long chain whose nodes are listed in either order, and a node reaches itself only through a cycle', () => {
    const chain = Array.from({ length: 3000 }, (_, i) => (i + 1 < 3000 ? [i + 1] : []));
    assert.equal(new Reachability(chain).reached(0).length, 2999);
    const backwards = Array.from({ length: 3000 }, (_, i) => (i > 0 ? [i - 1] : []));
    assert.equal(new Reachability(backwards).reached(2999).length, 2999);
    const cycle = new Reachability([[1], [2], [0], []]);
    assert.ok(cycle.reaches(0, 0));
    assert.ok(!new Reachability([[1], []]).reaches(0, 0));
  });
});
