import type { CompiledQuery, Compilable } from 'kysely';
import { isPostgres, type Executor } from './database.ts';

/**
 * Queries on the hot path (every authenticated request runs a few), built with Kysely once per
 * dialect and then run with new values. Building and compiling the same query anew on every
 * request cost more CPU than running it (bench/reads.ts, docs/performance.md).
 *
 * `build` receives stand-ins for its arguments and must use each of them as a bound value only
 * (`where('id', '=', id)`): they are found again among the compiled query's parameters, so an
 * argument read by JavaScript (a condition, a string built from it) is refused when it is first
 * compiled. A LIMIT written with `sql.lit` stays literal, so SQLite does not re-plan the statement.
 * The SQLite connection (database.ts) reuses its prepared statement for the same SQL text.
 */
export interface Prepared<A extends unknown[], R> {
  all(db: Executor, ...args: A): Promise<R[]>;
  first(db: Executor, ...args: A): Promise<R | undefined>;
  /** Runs a statement that returns no rows; the rows it changed. */
  run(db: Executor, ...args: A): Promise<number>;
}

class Slot {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

interface Template<R> {
  query: CompiledQuery<R>;
  /** For each compiled parameter, the argument it stands for, or -1 for a constant of the query. */
  slots: number[];
}

export function prepared<A extends unknown[], R>(build: (db: Executor, ...args: A) => Compilable<R>): Prepared<A, R> {
  const templates: { sqlite?: Template<R>; postgres?: Template<R> } = {};
  const compile = (db: Executor): Template<R> => {
    const stand = Array.from({ length: build.length - 1 }, (_, i) => new Slot(i));
    const query = build(db, ...(stand as unknown as A)).compile();
    const slots = query.parameters.map((p) => (p instanceof Slot ? p.index : -1));
    const missing = stand.filter((s) => !slots.includes(s.index));
    if (missing.length || query.sql.includes('[object Object]')) throw new Error(`prepared query uses argument ${missing[0]?.index ?? '?'} other than as a bound value: ${query.sql}`);
    return { query, slots };
  };
  const bind = (db: Executor, args: unknown[]): CompiledQuery<R> => {
    const key = isPostgres(db) ? 'postgres' : 'sqlite';
    const t = (templates[key] ??= compile(db));
    const parameters = t.slots.map((s, i) => (s < 0 ? t.query.parameters[i] : args[s]));
    return { ...t.query, parameters };
  };
  return {
    all: async (db, ...args) => (await db.executeQuery(bind(db, args))).rows,
    first: async (db, ...args) => (await db.executeQuery(bind(db, args))).rows[0],
    run: async (db, ...args) => Number((await db.executeQuery(bind(db, args))).numAffectedRows ?? 0),
  };
}
