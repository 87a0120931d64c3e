import { it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { forEachDatabase, withCommands } from '../helpers/harness.ts';
import { buildCommandTable } from '../../src/dmapi/command-table.ts';
import { readableLine } from '../../src/obs/logger.ts';

forEachDatabase('request log', (t) => {
  it('writes one line per request: name, Status-Code, duration, account, Tracking-Id, and never a credential', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await t().reseller('log-alice');
    const extra = await withCommands(t(), buildCommandTable().commands, { log });
    try {
      const login = await extra.call('login', { username: 'log-alice', password: 'secret-pw' });
      const sid = login.get('Auth-Sid')!;
      const profile = await extra.call('query-profile', { 'auth-sid': sid });
      const wrong = await extra.call('query-profile', { 'auth-sid': 'wrong' });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
      assert.deepEqual(
        entries.map((e) => [e.request, e.code, e.account, e.trackingId]),
        [
          ['login', 0, undefined, login.get('Tracking-Id')],
          ['query-profile', 0, 'log-alice', profile.get('Tracking-Id')],
          ['query-profile', -401, undefined, wrong.get('Tracking-Id')],
        ],
      );
      for (const e of entries) assert.ok(typeof e.ms === 'number' && e.ms >= 0);
      const all = lines.join('');
      for (const secret of ['secret-pw', sid]) assert.ok(!all.includes(secret), `${secret} never reaches the log`);
    } finally {
      await extra.close();
    }
  });
});

it('shows JSON log lines readably on a terminal', () => {
  const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), pid: 1, hostname: 'h', listener: 'dmapi', request: 'login', code: 0, ms: 1.5, msg: 'request' });
  assert.equal(readableLine(line), '03:04:05.006 INFO  [dmapi] request request=login code=0 ms=1.5\n');
  assert.equal(readableLine('not json'), 'not json');
});
