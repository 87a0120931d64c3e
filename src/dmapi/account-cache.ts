import type { Executor } from '../db/database.ts';
import type { Account } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

const accountById = prepared((db: Executor, id: number) => db.selectFrom('accounts').selectAll().where('id', '=', id));

/**
 * The accounts behind this process's recent requests, each with the version it was read at. A
 * request reads the account's current version with its session (one small query, also on every
 * other node), and a copy is used only while that version is the same: any committed change of
 * the row, on any node, bumps the version (a trigger, migration 0022) and makes the next request
 * read the row again. Only committed rows are cached (reads outside any transaction), and the
 * copies are frozen, since several requests share them.
 */
export class AccountCache {
  private readonly rows = new Map<number, Readonly<Account>>();
  private readonly max: number;
  constructor(max = 10_000) {
    this.max = max;
  }

  /** The account at `version` (or newer), read again unless the copy here has that version. */
  async get(db: Executor, id: number, version: number): Promise<Account | undefined> {
    const hit = this.rows.get(id);
    if (hit?.version === version) return hit;
    const row = await accountById.first(db, id);
    this.rows.delete(id);
    if (!row) return undefined;
    if (this.rows.size >= this.max) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(id, Object.freeze(row));
    return row;
  }
}
