import type { Executor } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import { OffsetClock } from './clock.ts';

const KEY = 'clock_offset_ms';

// The key is an argument only so that the query is built once (prepared.ts).
const setting = prepared((db: Executor, key: string) => db.selectFrom('settings').select('value').where('key', '=', key));

/** Reads the sandbox clock offset shared through the database. */
export async function readClockOffset(db: Executor): Promise<number> {
  const row = await setting.first(db, KEY);
  return row ? Number(row.value) : 0;
}

/** Moves the shared sandbox clock by `ms` (never backwards) and returns the new offset. */
export async function advanceClockOffset(db: Executor, ms: number): Promise<number> {
  if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
  const next = (await readClockOffset(db)) + ms;
  await db
    .insertInto('settings')
    .values({ key: KEY, value: String(next) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(next) }))
    .execute();
  return next;
}

/** An OffsetClock kept in step with the offset stored in the database. */
export function databaseClock(db: Executor): { clock: OffsetClock; sync: () => Promise<void> } {
  const clock = new OffsetClock();
  return {
    clock,
    sync: async () => {
      clock.offsetMs = await readClockOffset(db);
    },
  };
}
