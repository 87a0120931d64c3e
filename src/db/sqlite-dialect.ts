import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Kysely's SQLite dialect with two changes that matter under load (docs/performance.md):
 *
 * - Statements are prepared once per SQL text and kept (better-sqlite3 statements are reusable);
 *   Kysely's own driver prepares every query anew.
 * - The one connection is handed to waiters in arrival order. Kysely's driver wakes every waiter
 *   whenever it is released and all but one go back to waiting, which with 50 requests in flight
 *   cost more CPU than the queries.
 *
 * A transaction holds the connection from begin to commit, so no other statement runs inside it.
 */
export class SqliteQueueDialect implements Dialect {
  private readonly sqlite: SQLite.Database;
  constructor(sqlite: SQLite.Database) {
    this.sqlite = sqlite;
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new QueueDriver(this.sqlite);
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

const MAX_STATEMENTS = 500;

class CachedConnection implements DatabaseConnection {
  private readonly statements = new Map<string, SQLite.Statement>();
  private readonly sqlite: SQLite.Database;
  constructor(sqlite: SQLite.Database) {
    this.sqlite = sqlite;
  }

  private prepare(text: string): SQLite.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.sqlite.prepare(text);
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.prepare(q.sql);
    if (stmt.reader) return { rows: stmt.all(q.parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(q.parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const row of this.prepare(q.sql).iterate(q.parameters)) yield { rows: [row as R] };
  }
}

class QueueDriver implements Driver {
  private readonly sqlite: SQLite.Database;
  private readonly connection: CachedConnection;
  private held = false;
  private readonly waiting: Array<() => void> = [];
  constructor(sqlite: SQLite.Database) {
    this.sqlite = sqlite;
    this.connection = new CachedConnection(sqlite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    // Handed straight to the next waiter: `held` stays true, so no newcomer slips in between.
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async destroy(): Promise<void> {
    this.sqlite.close();
  }
}
