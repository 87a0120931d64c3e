import { sql, type Expression, type SqlBool } from 'kysely';
import { globToLike } from '../core/glob.ts';
import { isPostgres, type Executor } from './database.ts';

/**
 * `column` matches the DMAPI pattern (core/glob.ts), the same on both dialects: `lower(column)
 * LIKE pattern ESCAPE '\'`, A–Z folded only. SQLite's lower() folds ASCII alone; PostgreSQL's
 * folds by the database's locale, unless the operand is in the "C" collation.
 */
export function globMatch(db: Executor, column: string, pattern: string): Expression<SqlBool> {
  const value = isPostgres(db) ? sql`lower(${sql.ref(column)} collate "C")` : sql`lower(${sql.ref(column)})`;
  return sql<SqlBool>`${value} like ${globToLike(pattern)} escape '\\'`;
}

/** The same, on an integer column read as text (Proc-IDs): digits have no case. */
export function globMatchNumber(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`cast(${sql.ref(column)} as text) like ${globToLike(pattern)} escape '\\'`;
}

/** No limit, expressed so both SQLite and PostgreSQL accept it next to OFFSET. */
export const NO_LIMIT = 1_000_000_000_000;
