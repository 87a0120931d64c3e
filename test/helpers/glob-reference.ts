/**
 * The reference DMAPI pattern matcher the SQL matching is tested against (docs/wire.md,
 * "Patterns"): a table over code points, row by row, with A–Z folded. Written from the definition,
 * not from core/glob.ts, so the two can disagree.
 */
export function referenceMatch(pattern: string, value: string): boolean {
  const fold = (c: string) => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c);
  const p = Array.from(pattern, fold);
  const v = Array.from(value, fold);
  // row[j]: the pattern read so far matches the first j characters of the value.
  let row = v.reduce<boolean[]>((r) => [...r, false], [true]);
  for (const c of p) {
    const next: boolean[] = [c === '*' && row[0]!];
    for (let j = 1; j <= v.length; j++) {
      next[j] = c === '*' ? row[j]! || next[j - 1]! : (c === '?' || c === v[j - 1]) && row[j - 1]!;
    }
    row = next;
  }
  return row[v.length]!;
}
