import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Db, type Dialect, type Executor } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { databaseClock } from '../core/settings-clock.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { answerKeys, loadSecret, type AnswerKeys } from '../services/answer-keys.ts';
import { findAccountByUsername } from '../services/accounts.ts';

/**
 * What every operator command runs in: the configured database (migrated), the sandbox clock's
 * reading (wall time plus the offset `clock advance` stored, as the server reads it) and the config.
 * A DmapiError from a service becomes a plain error with its explanation.
 */
export async function withDb<T>(fn: (db: Db, now: number, config: Config, dialect: Dialect, keys: AnswerKeys, secret: Buffer) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = openDatabase(config.database);
  try {
    await migrate(handle);
    const { clock, sync } = databaseClock(handle.db);
    await sync();
    const secret = await loadSecret(config, handle);
    return await fn(handle.db, clock.now(), config, handle.dialect, answerKeys(secret), secret);
  } catch (err) {
    if (err instanceof DmapiError) throw new Error(err.details.join('; '));
    throw err;
  } finally {
    await handle.close();
  }
}

/** The account an operator command names by login; a plain error when there is none. */
export async function accountOrFail(db: Executor, login: string) {
  const a = await findAccountByUsername(db, login);
  if (!a) throw new Error(`no account ${login}`);
  return a;
}
