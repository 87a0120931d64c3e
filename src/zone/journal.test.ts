import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { addDomain } from '../../test/helpers/zones.ts';
import { snapshotDelta } from '../dns/zone-delta.ts';
import type { ZoneDelta, ZoneSnapshot } from '../dns/zone-source.ts';
import { JOURNAL_DEPTH, recordDiff } from './journal.ts';
import { dyndnsOff, type ZoneData, type ZoneRecord } from './records.ts';
import { writeZone } from './store.ts';
import { createZoneSource } from './zone-source.ts';

const a = (label: string, address: string, ttl = 300, validFrom = 0, validTo = 0): ZoneRecord => ({ type: 'A', label, address, ttl, validFrom, validTo });
const data = (records: ZoneRecord[], dyndns = false): ZoneData => ({ dnssec: false, dyndns: { ...dyndnsOff, enabled: dyndns }, records });
const sorted = (d: ZoneDelta | undefined) => d && { removed: d.removed.map((r) => JSON.stringify(r)).sort(), added: d.added.map((r) => JSON.stringify(r)).sort() };

async function zoneFixture(t: TestApp, name: string) {
  const r = await t.reseller(`jr-${name.split('.')[0]}`);
  const id = await addDomain(t, r.account.id, name);
  const domain = { id, account_id: r.account.id, name };
  const source = createZoneSource(t.app.deps);
  const db = t.app.deps.db;
  /** Writes the zone in a transaction of its own, as the requests do. */
  const put = (d: ZoneData) => db.transaction().execute((trx) => writeZone(trx, domain, d, t.clock.now()));
  return { domain, source, db, put };
}

forEachDatabase('zone change journal (IXFR history)', (t) => {
  it('diffs records as multisets, whatever the order of their fields', () => {
    const x = a('x', '192.0.2.1');
    const reordered = JSON.parse(JSON.stringify({ validTo: 0, validFrom: 0, ttl: 300, address: '192.0.2.1', label: 'x', type: 'A' })) as ZoneRecord;
    assert.deepEqual(recordDiff([x, x, a('y', '192.0.2.2')], [reordered, a('z', '192.0.2.3')]), { removed: [x, a('y', '192.0.2.2')], added: [a('z', '192.0.2.3')] });
  });

  it('rebuilds every version served (record changes, TTL changes, DynDNS, validity windows passing) and answers the difference to the current one', async () => {
    const { source, put } = await zoneFixture(t(), 'journal-one.com');
    const origin = 'journal-one.com';
    const seen = new Map<number, ZoneSnapshot>();
    const observe = async () => {
      const z = (await source.findZone(origin))!;
      seen.set(z.soa.serial, z);
    };
    const base = Array.from({ length: 40 }, (_, i) => a(`h${i}`, `192.0.2.${i + 1}`));
    await put(data(base));
    await observe();
    const soon = Math.floor(t().clock.now() / 1000) + 3600;
    const steps: ZoneData[] = [
      data([...base, a('new', '198.51.100.1')]),
      data([...base.slice(1), a('new', '198.51.100.1', 60)]),
      data([...base.slice(1), a('new', '198.51.100.1', 60), { type: 'DYNA', label: 'home', address: '203.0.113.9', ttl: 60, validFrom: 0, validTo: 0 }], true),
      data([...base.slice(1), a('later', '198.51.100.2', 300, soon), a('until', '198.51.100.3', 300, 0, soon + 1800)], true),
      data([...base.slice(2), a('later', '198.51.100.2', 300, soon), a('until', '198.51.100.3', 300, 0, soon + 1800)], false),
    ];
    for (const step of steps) {
      t().clock.advance(60_000);
      await put(step);
      await observe();
    }
    // Validity bounds pass without a write: each is a served version of its own.
    t().clock.advance(3600_000);
    await observe();
    t().clock.advance(1800_000);
    await observe();
    const current = (await source.findZone(origin))!;
    assert.equal(seen.size, steps.length + 3, 'every write and every bound passing served a new serial');
    for (const [serial, old] of seen) {
      if (serial === current.soa.serial) continue;
      assert.deepEqual(sorted(await source.changes!(origin, serial, current.soa.serial)), sorted(snapshotDelta(old, current)), `from ${serial}`);
    }
    // Serials never served, newer than the current one, or a stale `to`: no answer (the server falls back to AXFR).
    const first = Math.min(...seen.keys());
    assert.equal(await source.changes!(origin, first - 1, current.soa.serial), undefined);
    assert.equal(await source.changes!(origin, first, current.soa.serial - 1), undefined);
    assert.equal(await source.changes!('nowhere.example', first, current.soa.serial), undefined);
  });

  it('keeps the last JOURNAL_DEPTH changes; a change as big as the zone empties the journal; a rolled-back change journals nothing', async () => {
    const { source, db, put, domain } = await zoneFixture(t(), 'journal-two.com');
    const origin = domain.name;
    const base = Array.from({ length: 20 }, (_, i) => a(`h${i}`, `192.0.2.${i + 1}`));
    const first = await put(data(base));
    let last = first;
    for (let i = 0; i < JOURNAL_DEPTH + 5; i++) last = await put(data([...base, a('counter', `10.0.${i >> 8}.${i & 255}`)]));
    const zoneId = (await db.selectFrom('zones').select('id').where('name', '=', origin).executeTakeFirstOrThrow()).id;
    const rows = () => db.selectFrom('zone_changes').select(['serial_from', 'serial_to']).where('zone_id', '=', zoneId).orderBy('id').execute();
    assert.equal((await rows()).length, JOURNAL_DEPTH);
    assert.equal(await source.changes!(origin, first, last), undefined, 'the oldest versions fell out');
    const reachable = Number((await rows())[0]!.serial_from);
    assert.ok((await source.changes!(origin, reachable, last))!.added.length === 1);

    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await writeZone(trx, domain, data(base), t().clock.now());
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal((await rows()).length, JOURNAL_DEPTH);

    const replaced = await put(data(Array.from({ length: 20 }, (_, i) => a(`other${i}`, `198.51.100.${i + 1}`))));
    assert.deepEqual(await rows(), []);
    assert.equal(await source.changes!(origin, last, replaced), undefined);
  });
});
