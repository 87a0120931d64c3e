import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { dmapid as run } from '../../test/helpers/cli.ts';
import { persistentDatabase, type PersistentDatabase } from '../../test/helpers/databases.ts';
import { registryCli, type RegistryCliContext } from './registry.ts';
import { OWN_REGISTRAR, simulatorOf } from '../registry/index.ts';
import { DAY } from '../core/clock.ts';
import { eppLoginValid } from '../registry/epp/server/logins.ts';

const dmapid = (url: string, ...args: string[]) => run(url, args);


forEachDatabase('dmapid registry', (t) => {
  const ctx = (): RegistryCliContext => ({ db: t().app.deps.db, now: t().clock.now(), sim: simulatorOf(t().app.deps) });

  it('sets and removes a registrar\'s EPP password (argon2id hash), refusing bad ones', async () => {
    assert.deepEqual(await registryCli.eppPassword(ctx(), 'sim-budgetnames', 'epp-secret'), ['EPP password of sim-budgetnames set']);
    assert.ok(await eppLoginValid(t().app.deps.db, 'sim-budgetnames', 'epp-secret'));
    assert.equal(await eppLoginValid(t().app.deps.db, 'sim-budgetnames', 'other'), false);
    const row = await t().app.deps.db.selectFrom('registry_registrars').select('epp_password_hash').where('id', '=', 'sim-budgetnames').executeTakeFirstOrThrow();
    assert.match(row.epp_password_hash ?? '', /^\$argon2id\$/);
    await assert.rejects(registryCli.eppPassword(ctx(), 'sim-budgetnames', 'short'), /6 to 16/);
    await assert.rejects(registryCli.eppPassword(ctx(), 'sim-budgetnames', 'x'.repeat(17)), /6 to 16/);
    await assert.rejects(registryCli.eppPassword(ctx(), 'sim-nobody', 'epp-secret'), /does not exist/);
    assert.deepEqual(await registryCli.eppPassword(ctx(), 'sim-budgetnames', null), ['registrar sim-budgetnames can no longer log in over EPP']);
    assert.equal(await eppLoginValid(t().app.deps.db, 'sim-budgetnames', 'epp-secret'), false);
  });

  it('lists the seeded registrars and their names', async () => {
    const lines = await registryCli.registrars(ctx());
    assert.ok(lines.includes('iana\tInternet Assigned Numbers Authority (reserved names)\t376\t3'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${OWN_REGISTRAR}\t`)));
    const names = await registryCli.domains(ctx(), { registrar: 'sim-budgetnames' });
    assert.ok(names.includes('transfer-me.com\tsim-budgetnames\t2028-09-09\t-'), names.join('\n'));
  });

  it('adds a registrar and plants its names, refusing bad input with a clear message', async () => {
    assert.deepEqual(await registryCli.addRegistrar(ctx(), 'sim-acme', { name: 'Acme Names', ianaId: 9999 }), ['registrar sim-acme added']);
    assert.deepEqual(await registryCli.addDomain(ctx(), 'acme-planted.net', { registrar: 'sim-acme', expires: '2031-05-01', authCode: 'Acme-Code-1', status: 'clientTransferProhibited' }), ['registered acme-planted.net for sim-acme until 2031-05-01']);
    const show = await registryCli.show(ctx(), 'acme-planted.net');
    assert.ok(show.includes('sponsor: sim-acme'));
    assert.ok(show.includes('status: clientTransferProhibited'));
    assert.ok(show.includes('auth-code: set'));
    await assert.rejects(registryCli.addDomain(ctx(), 'x.net', { registrar: 'sim-acme', status: 'locked' }), /--status locked: one of clientDeleteProhibited/);
    await assert.rejects(registryCli.addDomain(ctx(), 'x.net', { registrar: 'sim-acme', expires: '2031-02-30' }), /--expires 2031-02-30: not a date/);
    await assert.rejects(registryCli.show(ctx(), 'never-registered.net'), /is not registered/);
  });

  it('plays the other side of a transfer: hands out the code, approves or rejects, requests a name', async () => {
    const [code] = await registryCli.authCode(ctx(), 'coffee-lovers.org');
    const reg = simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now());
    await reg.requestTransfer('coffee-lovers.org', code!);
    assert.deepEqual(await registryCli.answerTransfer(ctx(), 'coffee-lovers.org', 'approve'), [`transfer of coffee-lovers.org to ${OWN_REGISTRAR}: clientApproved`]);
    assert.equal((await reg.infoDomain('coffee-lovers.org'))!.sponsor, OWN_REGISTRAR);

    const [code2] = await registryCli.authCode(ctx(), 'acme-widgets.net');
    await reg.requestTransfer('acme-widgets.net', code2!);
    assert.deepEqual(await registryCli.answerTransfer(ctx(), 'acme-widgets.net', 'reject'), [`transfer of acme-widgets.net to ${OWN_REGISTRAR}: clientRejected`]);

    await simulatorOf(t().app.deps).plantDomain(t().app.deps.db, t().clock.now(), { name: 'ours-to-lose.com', sponsor: OWN_REGISTRAR, authCode: 'Ours-1' });
    const [line] = await registryCli.requestTransfer(ctx(), 'ours-to-lose.com', { registrar: 'sim-brandguard', authCode: 'Ours-1' });
    assert.match(line!, /^transfer of ours-to-lose\.com to sim-brandguard pending; approved automatically /);
  });

  it('runs the registry\'s due work on demand', async () => {
    t().clock.advance(6 * DAY);
    const out = await registryCli.sweep(ctx());
    assert.ok(out.includes('transfers approved: ours-to-lose.com'), out.join('\n'));
    assert.match(out.at(-1)!, /^grace periods ended: \d+$/);
  });

  let db: PersistentDatabase;
  before(async () => {
    db = await persistentDatabase(t().dialect);
  });
  after(async () => {
    await db.drop();
  });

  it('is wired into the dmapid command line', async () => {
    const show = await dmapid(db.url, 'registry', 'show', 'example.com');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^domain: example\.com\nroid: D\d+-SIM\nsponsor: iana\nstatus: clientDeleteProhibited,/);
    const bad = await dmapid(db.url, 'registry', 'add-domain', 'foo.zz', '--registrar', 'sim-brandguard');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /foo\.zz is not under a TLD this registry serves/);
    assert.ok(!bad.stderr.includes('    at '));
  });
});
