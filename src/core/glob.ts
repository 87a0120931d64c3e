/**
 * DMAPI wildcard patterns (docs/wire.md, "Patterns"): `*` matches any run of characters (also
 * none), `?` exactly one character (a code point), everything else itself; letters A–Z match
 * either case, other characters only themselves. Every request that takes a pattern matches it in
 * SQL through db/sql-helpers.ts globMatch, which lowers both sides the same ASCII-only way on both
 * databases; SQLite's and PostgreSQL's LIKE give up on a `%` once the text is exhausted, so they
 * cost at most pattern × value steps (bench/patterns.ts) where a backtracking RegExp took hours.
 */

/** Lowercases A–Z only: `toLowerCase` would fold É to é, which SQLite's lower() does not. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * The pattern as a SQL LIKE operand with `\` as escape character, lowered with asciiLower: `%`,
 * `_` and `\` become literals, `*` → `%`, `?` → `_`; a run of `*` is one `%` (same meaning, less
 * to scan).
 */
export function globToLike(pattern: string): string {
  return asciiLower(pattern)
    .replace(/[\\%_]/g, '\\$&')
    .replace(/\*+/g, '%')
    .replace(/\?/g, '_');
}
