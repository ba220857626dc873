/** Lower case, without `-` and `_`: `dryRun`, `dry_run` and `dry-run` are spelled alike. */
export const spelling = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`: optimal string alignment. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The one of `names` that `typed` most likely meant, for a "did you mean …?": a name spelled alike
 * (`dryrun` → `dry-run`), one a few edits away (about one per four letters), or the only name that
 * starts with what was typed (`temp` → `temporary-password-from-env`). `undefined` when none is
 * close, or two are equally close.
 */
export function closestName<Name extends string>(typed: string, names: readonly Name[]): Name | undefined {
  const wanted = spelling(typed);
  if (wanted.length === 0) return undefined;
  const scored = names
    .map((name) => ({ name, distance: editDistance(wanted, spelling(name)) }))
    .sort((left, right) => left.distance - right.distance);
  const [best, runnerUp] = scored;
  const allowed = Math.max(1, Math.min(4, Math.floor(wanted.length / 4)));
  if (best !== undefined && best.distance <= allowed && best.distance !== runnerUp?.distance) return best.name;
  const prefixed = wanted.length >= 3 ? names.filter((name) => spelling(name).startsWith(wanted)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
