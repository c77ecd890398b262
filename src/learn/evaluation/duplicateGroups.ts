/**
 * Near-duplicate groups and what they mean for a split (issue 18): images joined
 * by a near-duplicate edge, taken transitively, are one group (a presumed shared
 * original); a held-out image leaks when an image it is joined to sits on the
 * training side. Pure: scripts/near-duplicates.ts finds the edges.
 */

/** Connected components of n nodes: for each node, the smallest node of its component. */
export function connectedComponents(n: number, edges: Iterable<readonly [number, number]>): Int32Array {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (const [a, b] of edges) {
    const ra = root(a);
    const rb = root(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  return Int32Array.from({ length: n }, (_, i) => root(i));
}

/** How many groups have each size: [size, groups] sorted by size. */
export function groupSizes(component: Int32Array): [number, number][] {
  const size = new Map<number, number>();
  for (const c of component) size.set(c, (size.get(c) ?? 0) + 1);
  const count = new Map<number, number>();
  for (const s of size.values()) count.set(s, (count.get(s) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Per image: whether it has a near-duplicate (a direct edge) on the other side,
 * where `across(i, j)` says whether image j counts as the other side for image i
 * (another fold; Training for a Testing image).
 */
export function hasNeighbourAcross(
  n: number,
  edges: Iterable<readonly [number, number]>,
  across: (i: number, j: number) => boolean,
): boolean[] {
  const out = new Array<boolean>(n).fill(false);
  for (const [a, b] of edges) {
    if (across(a, b)) out[a] = true;
    if (across(b, a)) out[b] = true;
  }
  return out;
}

/**
 * What a uniform sample would give if a class of `perOriginal` copies of each of
 * `originals` originals (LC25000: 20 x 250) were sampled `drawn` at a time without
 * replacement: the expected number of distinct originals, and the chance that a
 * drawn image has another copy of its original among the drawn.
 */
export function samplingExpectation(
  originals: number,
  perOriginal: number,
  drawn: number,
): { distinctOriginals: number; shareWithCopy: number } {
  const total = originals * perOriginal;
  // P(no copy of one original among `draws` draws from `from` images, `copies` of them its)
  const none = (from: number, copies: number, draws: number) => {
    let p = 1;
    for (let i = 0; i < copies; i++) p *= (from - draws - i) / (from - i);
    return p;
  };
  return {
    distinctOriginals: originals * (1 - none(total, perOriginal, drawn)),
    shareWithCopy: 1 - none(total - 1, perOriginal - 1, drawn - 1),
  };
}

/**
 * Grouped k-fold dealing: every image of one group lands in the same fold, so no
 * held-out image has a detected copy of its original on the training side. Per class (a
 * group never spans classes: edges join same-class images only), groups in a
 * seeded order, largest first, each to the fold holding the fewest of that class
 * so far (ties: the lowest fold), which keeps folds stratified and near equal.
 * `groupOf` maps an image to its group id; `shuffle` is the seeded shuffle.
 * Returns image -> fold (0-based).
 */
export function dealGroupedFolds(
  imagesByClass: ReadonlyMap<string, readonly string[]>,
  groupOf: (image: string) => number,
  folds: number,
  shuffle: (items: string[][]) => void,
): Record<string, number> {
  const assignment: Record<string, number> = {};
  for (const images of imagesByClass.values()) {
    const members = new Map<number, string[]>();
    for (const image of images) {
      const g = groupOf(image);
      members.set(g, [...(members.get(g) ?? []), image]);
    }
    const groups = [...members.values()];
    shuffle(groups);
    // stable: equal sizes keep the seeded order
    groups.sort((a, b) => b.length - a.length);
    const filled = new Array<number>(folds).fill(0);
    for (const group of groups) {
      const fold = filled.indexOf(Math.min(...filled));
      for (const image of group) assignment[image] = fold;
      filled[fold] += group.length;
    }
  }
  return assignment;
}

/** What a held-out image's nearest relatives on the training side are: none, a copy under its label, or copies under other labels only. */
export type CopyStatus = 'unseen' | 'copySameLabel' | 'copyOtherLabelOnly';

/**
 * Per image on the held-out side (`heldOut[i]`; undefined elsewhere): whether an
 * edge joins it to a training-side image of its own label, else of another label
 * only (label noise: the model learnt that scan under the other answer).
 */
export function copyStatus(
  n: number,
  edges: Iterable<readonly [number, number]>,
  heldOut: readonly boolean[],
  labels: ArrayLike<number>,
): (CopyStatus | undefined)[] {
  const list = [...edges];
  const same = hasNeighbourAcross(n, list, (i, j) => heldOut[i] && !heldOut[j] && labels[i] === labels[j]);
  const other = hasNeighbourAcross(n, list, (i, j) => heldOut[i] && !heldOut[j] && labels[i] !== labels[j]);
  return Array.from({ length: n }, (_, i) =>
    !heldOut[i] ? undefined : same[i] ? 'copySameLabel' : other[i] ? 'copyOtherLabelOnly' : 'unseen',
  );
}
