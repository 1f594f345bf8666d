/**
 * The candidate `input` was most likely meant to be: the nearest by edit distance (a swap of two
 * neighbouring letters counts as one edit, case is ignored), if it is near enough to be a typo,
 * that is at most one edit per three letters of the longer word, or if one of the two begins with
 * the other (`warning` for `warn`). Ties go to the earlier candidate.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    const tolerated = Math.max(1, Math.floor(Math.max(typed.length, candidate.length) / 3));
    if ((distance <= tolerated || sharesStem(typed, candidate.toLowerCase())) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** True when the shorter word, of three letters or more, begins the longer. */
function sharesStem(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= 3 && longer.startsWith(shorter);
}

/** `; did you mean "x"?` for a near candidate, else the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const suggestion = closestName(input, candidates);
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}

/** Edits (insert, delete, substitute, swap neighbours) that turn `from` into `to`: the optimal string alignment distance. */
export function editDistance(from: string, to: string): number {
  const width = to.length + 1;
  // Three rows suffice: a swap looks two rows back.
  let older = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, column) => column);
  let current = new Array<number>(width).fill(0);
  for (let row = 1; row <= from.length; row++) {
    current[0] = row;
    for (let column = 1; column <= to.length; column++) {
      const substitution = from[row - 1] === to[column - 1] ? 0 : 1;
      let distance = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + substitution);
      if (row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1]) distance = Math.min(distance, older[column - 2]! + 1);
      current[column] = distance;
    }
    [older, previous, current] = [previous, current, older];
  }
  return previous[to.length]!;
}
