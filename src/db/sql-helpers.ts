import { sql, type Expression, type SqlBool } from 'kysely';
import { globToLike } from '../core/glob.ts';

/** `lower(column) LIKE pattern ESCAPE '\'`: a case-insensitive `*`/`?` glob on both dialects. */
export function globMatch(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${globToLike(pattern.toLowerCase())} escape '\\'`;
}

/** The same, on an integer column read as text (Proc-IDs). */
export function globMatchNumber(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`cast(${sql.ref(column)} as text) like ${globToLike(pattern)} escape '\\'`;
}

/** No limit, expressed so both SQLite and PostgreSQL accept it next to OFFSET. */
export const NO_LIMIT = 1_000_000_000_000;
