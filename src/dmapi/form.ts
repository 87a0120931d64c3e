import { DmapiError } from './errors.ts';

/** One `name=value` pair as the client sent it, decoded. */
export type FormEntry = readonly [name: string, value: string];

/**
 * Most parameters one request may carry (query and body together; in a form every `&`-separated
 * pair counts, empty ones too). No request takes more than a few dozen; the limit keeps a body
 * of a million tiny pairs from costing far more memory than it weighs.
 */
export const PARAM_LIMIT = 10_000;

const tooMany = () => new DmapiError('POLICY_VIOLATION', `more than ${PARAM_LIMIT} parameters in one request`);

/** `+` is a space in forms; anything but valid percent-encoded UTF-8 is refused rather than altered. */
function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Decodes an `application/x-www-form-urlencoded` string (a query string or a body). Empty pairs
 * (a trailing `&`) are skipped; a malformed `%` escape or bytes that are not UTF-8 are an error
 * naming the parameter, never a value silently changed to U+FFFD.
 */
export function decodeForm(text: string, where: 'query string' | 'body'): FormEntry[] {
  // Counted before splitting: a body of millions of `&` is refused without making millions of strings.
  let pairs = 1;
  for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) if (++pairs > PARAM_LIMIT) throw tooMany();
  const out: FormEntry[] = [];
  const bad: string[] = [];
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodePart(pair.slice(eq + 1));
    if (name === undefined) bad.push(`invalid parameter name in the ${where} (malformed percent-encoding or not UTF-8)`);
    else if (value === undefined) bad.push(`invalid '${name}' (malformed percent-encoding or not UTF-8)`);
    else out.push([name, value]);
  }
  if (bad.length) throw new DmapiError('PARAM_SYNTAX', bad);
  return out;
}

/**
 * Merges the query string's and the body's parameters into one set with lowercase names
 * (names are case-insensitive). A parameter given more than once must say the same each time:
 * which of two different values the client meant cannot be guessed.
 */
export function mergeParams(...sources: ReadonlyArray<readonly FormEntry[]>): Record<string, string> {
  const merged = new Map<string, string>();
  const conflicts = new Set<string>();
  let count = 0;
  for (const entries of sources) {
    count += entries.length;
    if (count > PARAM_LIMIT) throw tooMany();
    for (const [rawName, value] of entries) {
      const name = rawName.toLowerCase();
      const seen = merged.get(name);
      if (seen === undefined) merged.set(name, value);
      else if (seen !== value) conflicts.add(name);
    }
  }
  if (conflicts.size) throw new DmapiError('PARAM_SYNTAX', [...conflicts].map((n) => `invalid '${n}' (given more than once with different values)`));
  return Object.fromEntries(merged);
}
