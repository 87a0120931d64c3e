import { sql, type Expression, type SqlBool } from 'kysely';
import { asciiLower, globToLike } from '../core/glob.ts';
import { isPostgres, type Executor } from './database.ts';

/**
 * `column` matches the DMAPI pattern (core/glob.ts), the same on both dialects: `lower(column)
 * LIKE pattern ESCAPE '\'`, A–Z folded only. SQLite's lower() folds ASCII alone; PostgreSQL's
 * folds by the database's locale, unless the operand is in the "C" collation.
 */
export function globMatch(db: Executor, column: string, pattern: string, o: { trigrams?: { table: string; key: string } } = {}): Expression<SqlBool> {
  const value = isPostgres(db) ? sql`lower(${sql.ref(column)} collate "C")` : sql`lower(${sql.ref(column)})`;
  const like = sql<SqlBool>`${value} like ${globToLike(pattern)} escape '\\'`;
  // A literal start (`abc*`) also bounds the lowered value, which an index on the same
  // expression (migration 0022-list-indexes) serves; LIKE alone uses no index on either database.
  // Both compare bytes there (SQLite's BINARY, the "C" collation), and UTF-8 keeps code point order.
  const range = prefixRange(pattern);
  if (range) return sql<SqlBool>`(${value} >= ${range[0]} and ${value} < ${range[1]} and ${like})`;
  // `*xyz*`: on SQLite the rows come from an FTS5 trigram index (migration 0029-name-trigrams)
  // holding a literal run of the pattern; PostgreSQL's pg_trgm index serves the LIKE itself.
  const run = o.trigrams && !isPostgres(db) ? trigramRun(pattern) : undefined;
  if (!run || !o.trigrams) return like;
  const { table, key } = o.trigrams;
  return sql<SqlBool>`(${sql.ref(key)} in (select rowid from ${sql.table(table)} where ${sql.table(table)} match ${`"${run}"`}) and ${like})`;
}

/** The trigram index of domain names (migration 0029-name-trigrams), for globMatch on `domains.name`. */
export const domainNameTrigrams = { table: 'domains_name_trgm', key: 'domains.id' } as const;

/** The longest literal ASCII run of a pattern, when it is long enough for trigrams (3 or more). */
export function trigramRun(pattern: string): string | undefined {
  const runs = asciiLower(pattern).split(/[*?]/).filter((r) => r.length >= 3 && /^[\x20-\x7e]+$/.test(r));
  const best = runs.sort((a, b) => b.length - a.length)[0];
  return best?.replaceAll('"', '""');
}

/** The lowered literal start of a pattern and the first string after every string it begins. */
export function prefixRange(pattern: string): [string, string] | undefined {
  const prefix = [...asciiLower(pattern.slice(0, pattern.search(/[*?]|$/)))];
  const last = prefix.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff || (last >= 0xd7ff && last < 0xe000)) return undefined;
  const head = prefix.join('');
  return [head + String.fromCodePoint(last), head + String.fromCodePoint(last + 1)];
}

/** The same, on an integer column read as text (Proc-IDs): digits have no case. */
export function globMatchNumber(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`cast(${sql.ref(column)} as text) like ${globToLike(pattern)} escape '\\'`;
}

/** No limit, expressed so both SQLite and PostgreSQL accept it next to OFFSET. */
export const NO_LIMIT = 1_000_000_000_000;
