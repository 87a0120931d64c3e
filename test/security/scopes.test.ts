import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../helpers/harness.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import type { Command } from '../../src/dmapi/command.ts';
import { paramList } from '../../src/dmapi/docs.ts';
import { buildWorld, changes, digest, malformed, session, type World } from './world.ts';
import { enumValues, sample, shapeOf } from './samples.ts';

/**
 * The scope matrix, for every request of the command table and every value of its enumerated
 * parameters (domain-transfer-control's actions, grants-invite's roles …): a read-only key changes
 * nothing, a modify-only key is refused what costs and never causes a charge or a reservation.
 */

/** The request's sample, once per value of each enumerated parameter. */
function variants(c: Command, w: World): Array<Record<string, string>> {
  const base = sample(c, w.a);
  const out = [base];
  for (const p of paramList(c.params)) {
    for (const v of enumValues(shapeOf(c)[p.name]!) ?? []) if (base[p.name] !== v) out.push({ ...base, [p.name]: v });
  }
  return out;
}

/** What the attacker's account has been charged or had reserved so far. */
async function costs(t: TestApp, accountId: number): Promise<string> {
  const ledger = await t.app.deps.db.selectFrom('ledger').select(['id', 'kind', 'amount', 'reserved_delta']).where('account_id', '=', accountId).where('kind', 'in', ['charge', 'reserve', 'commit']).orderBy('id').execute();
  const orders = await t.app.deps.db.selectFrom('orders').select(['id', 'amount_brutto']).where('account_id', '=', accountId).where('amount_brutto', '>', 0).orderBy('id').execute();
  return JSON.stringify({ ledger, orders });
}

// Requests that end objects go last, so the others still find theirs.
const ordered = [...commands.filter((c) => c.session === 'required')].sort((x, y) => Number(x.name.endsWith('-delete')) - Number(y.name.endsWith('-delete')));

forEachDatabase('security: scope matrix', (t) => {
  let w: World;
  before(async () => {
    w = await buildWorld(t());
  });

  for (const c of ordered) {
    it(`${c.name}: a read-only key changes nothing${c.access === 'read' ? '' : ' and is refused'}`, async () => {
      for (const params of variants(c, w)) {
        const sid = await session(t(), w.a, 'read-only');
        const before = await digest(t());
        const r = await t().call(c.name, { 'auth-sid': sid, ...params });
        assert.equal(malformed(r), undefined, r.raw);
        if (c.access !== 'read') assert.equal(r.code, 2201, `${c.name} ${JSON.stringify(params)}: ${r.raw}`);
        await t().work();
        assert.equal(changes(before, await digest(t())), '', `${c.name} ${JSON.stringify(params)} changed state with a read-only key`);
      }
    });
  }

  for (const c of ordered) {
    it(`${c.name}: a modify-only key ${c.access === 'costs' ? 'is refused' : 'causes no cost'}`, async () => {
      for (const params of variants(c, w)) {
        const sid = await session(t(), w.a, 'modify-only');
        const before = await digest(t());
        const spent = await costs(t(), w.a.id);
        const r = await t().call(c.name, { 'auth-sid': sid, ...params });
        assert.equal(malformed(r), undefined, r.raw);
        if (c.access === 'costs') {
          assert.equal(r.code, 2201, `${c.name}: ${r.raw}`);
          assert.equal(changes(before, await digest(t())), '');
        }
        await t().work();
        assert.equal(await costs(t(), w.a.id), spent, `${c.name} ${JSON.stringify(params)} cost money with a modify-only key`);
      }
    });
  }
});
