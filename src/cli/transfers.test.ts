import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { dmapid as run } from '../../test/helpers/cli.ts';
import { persistentDatabase, type PersistentDatabase } from '../../test/helpers/databases.ts';
import { domainReseller, type DomainReseller } from '../../test/helpers/domain-fixtures.ts';
import { LOSING, ownDomain } from '../../test/helpers/transfer-fixtures.ts';
import { transferCli, type TransferCliContext } from './transfers.ts';
import { transferPolicy } from '../services/transfer-policy.ts';

const dmapid = (url: string, ...args: string[]) => run(url, args);


forEachDatabase('dmapid registry transfer-out / transfer-policy', (t) => {
  const ctx = (): TransferCliContext => ({ db: t().app.deps.db, now: t().clock.now(), deps: t().app.deps });
  let alice: DomainReseller;

  it('setup', async () => {
    alice = await domainReseller(t(), 'cli-tr-alice');
  });

  it('sets and lists how the simulated registrars answer transfers away from them', async () => {
    const lines = await transferCli.policies(ctx());
    assert.ok(lines.includes(`${LOSING}\tsilent\t-`), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('dmapid\t')), 'the platform itself has no policy');
    assert.deepEqual(await transferCli.setPolicy(ctx(), LOSING, 'approve', { after: '6h' }), [`${LOSING} will approve transfers away from it 6h after the request`]);
    assert.deepEqual(await transferPolicy(t().app.deps.db, LOSING), { registrar: LOSING, answer: 'approve', delayMs: 6 * 3_600_000 });
    assert.ok((await transferCli.policies(ctx())).includes(`${LOSING}\tapprove\t21600s`));
    assert.deepEqual(await transferCli.setPolicy(ctx(), LOSING, 'silent', {}), [`${LOSING} stays silent: the registry approves transfers away from it after its window`]);
    await assert.rejects(transferCli.setPolicy(ctx(), LOSING, 'ignore', {}), /answer must be one of approve, reject, silent/);
    await assert.rejects(transferCli.setPolicy(ctx(), LOSING, 'reject', { after: 'soon' }), /--after soon: not a duration/);
    await assert.rejects(transferCli.setPolicy(ctx(), 'sim-nobody', 'reject', {}), /registrar sim-nobody does not exist/);
    await assert.rejects(transferCli.setPolicy(ctx(), 'dmapid', 'reject', {}), /dmapid is this platform/);
  });

  it('asks for a domain of the platform as another registrar, with readable refusals', async () => {
    const own = await ownDomain(t(), alice, 'cli-away.com');
    const [line] = await transferCli.transferOut(ctx(), own.name, { to: 'sim-brandguard', auth: own.code });
    assert.match(line!, /^transfer of cli-away\.com to sim-brandguard pending; the reseller was asked; it goes 2026-01-20T12:00:00Z unless rejected$/);
    await assert.rejects(transferCli.transferOut(ctx(), own.name, { to: LOSING, auth: own.code }), /the registry refused the transfer of cli-away\.com: cli-away\.com is already pending transfer \(EPP 2300\)/);
    await assert.rejects(transferCli.transferOut(ctx(), 'not-here.com', { to: LOSING }), /not-here\.com is not a domain of this platform/);
    await assert.rejects(transferCli.transferOut(ctx(), own.name, { to: 'sim-nobody' }), /registrar sim-nobody does not exist/);
  });

  let db: PersistentDatabase;
  before(async () => {
    db = await persistentDatabase(t().dialect);
  });
  after(async () => {
    await db.drop();
  });

  it('is wired into the dmapid command line', async () => {
    const set = await dmapid(db.url, 'registry', 'transfer-policy', 'sim-brandguard', 'reject', '--after', '1d');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'sim-brandguard will reject transfers away from it 1d after the request\n');
    const list = await dmapid(db.url, 'registry', 'transfer-policy');
    assert.match(list.stdout, /^sim-brandguard\treject\t86400s$/m);
    const out = await dmapid(db.url, 'registry', 'transfer-out', 'nowhere.com', '--to', 'sim-brandguard');
    assert.notEqual(out.code, 0);
    assert.equal(out.stderr, 'dmapid: nowhere.com is not a domain of this platform\n');
  });
});
