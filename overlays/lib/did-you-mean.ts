// Suggests the closest known names for a misspelt one, so errors can say "did you mean `pci`?".

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Known names within a small edit distance of `name` (or sharing a prefix with it), closest first. */
export function didYouMean(name: string, known: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return known
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter(
      ({ candidate, distance }) =>
        distance <= limit || (wanted.length >= 3 && candidate.toLowerCase().startsWith(wanted.slice(0, 3))),
    )
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .map(({ candidate }) => candidate);
}

/** ` Did you mean `x`?` or an empty string. */
export function didYouMeanText(name: string, known: readonly string[]): string {
  const [best] = didYouMean(name, known);
  return best === undefined ? '' : ` Did you mean \`${best}\`?`;
}
