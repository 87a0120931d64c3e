import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabaseOverEpp } from '../../../../test/helpers/epp-registry.ts';
import { assertValidEpp } from '../../../../test/helpers/epp-xsd.ts';
import { registryOf, simulatorOf, OWN_REGISTRAR } from '../../index.ts';
import { RegistryError, type ContactPostal } from '../../port.ts';
import { forJob, framesOfJob } from '../../frames.ts';
import { DAY } from '../../../core/clock.ts';
import { addMonths } from '../../../core/period.ts';
import { NS } from '../xml.ts';
import type { EppBackend } from './backend.ts';

const postal: ContactPostal = { name: 'Jane Roe', organization: 'Roe Ltd', street: ['1 Main St'], city: 'Springfield', state: 'IL', postalCode: '12345', country: 'US', voice: '+1.4155552671', voiceExt: '', fax: '', email: 'jane@example.net', extensions: { lang: 'en' } };
const ds = { kind: 'ds' as const, records: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'AB'.repeat(32) }] };

/** The port over EPP against dmapid's own listener: each call, what the registry then holds, and the frames filed. */
forEachDatabaseOverEpp('EPP backend', (p) => {
  const epp = () => registryOf(p().client.app.deps).open(p().client.app.deps.db, p().client.clock.now());
  /** What the registry itself holds (its simulator, as the registrar dmapid). */
  const atRegistry = () => simulatorOf(p().registry.app.deps).open(p().registry.app.deps.db, p().registry.clock.now());
  const refused = async (call: Promise<unknown>, code: number) => {
    await assert.rejects(call, (e: unknown) => e instanceof RegistryError && e.code === code);
  };

  it('creates, reads, updates and deletes contacts and hosts', async () => {
    const r = epp();
    assert.equal(r.registrarId, OWN_REGISTRAR);
    assert.equal(await r.checkContact('CCOM-101'), false);
    const c = await r.createContact('CCOM-101', postal);
    assert.deepEqual([c.id, c.sponsor, c.postal.city, c.postal.extensions], ['CCOM-101', OWN_REGISTRAR, 'Springfield', { lang: 'en' }]);
    assert.equal(await r.checkContact('CCOM-101'), true);
    await refused(r.createContact('CCOM-101', postal), 2302);
    const moved = await r.updateContact('CCOM-101', { city: 'Shelbyville', email: 'jane@example.org' });
    assert.deepEqual([moved.postal.city, moved.postal.email, moved.postal.street], ['Shelbyville', 'jane@example.org', ['1 Main St']]);
    assert.equal((await atRegistry().infoContact('CCOM-101'))?.postal.city, 'Shelbyville');
    assert.equal(await r.infoContact('CCOM-404'), undefined);

    assert.equal(await r.checkHost('ns1.epp-hosts.example'), false);
    const h = await r.createHost('ns1.epp-hosts.example', { ipv4: [], ipv6: [] });
    assert.deepEqual([h.name, h.sponsor, h.superordinate], ['ns1.epp-hosts.example', OWN_REGISTRAR, null]);
    await r.deleteContact('CCOM-101');
    assert.equal(await r.infoContact('CCOM-101'), undefined);
    await r.deleteHost('ns1.epp-hosts.example');
    assert.equal(await r.infoHost('ns1.epp-hosts.example'), undefined);
    await refused(r.deleteHost('ns1.epp-hosts.example'), 2303);
  });

  it('registers, delegates, locks, signs, renews, deletes and restores a domain', async () => {
    const r = epp();
    await r.createContact('CCOM-201', postal);
    await r.createContact('CCOM-202', { ...postal, name: 'Tim Tech' });
    assert.deepEqual(await r.checkDomain('epp-flow.com'), { status: 'available' });
    const reg = await r.checkDomain('example.com');
    assert.equal(reg.status, 'registered');
    assert.equal(reg.status === 'registered' && reg.ours, false);
    const d = await r.createDomain({ name: 'epp-flow.com', periodMonths: 12, registrant: 'CCOM-201', admin: 'CCOM-201', tech: 'CCOM-201', billing: 'CCOM-201', nameservers: ['a.ns.joker.com', 'b.ns.joker.com'] });
    assert.deepEqual([d.sponsor, d.registrant, d.admin, d.nameservers, d.rgp], [OWN_REGISTRAR, 'CCOM-201', 'CCOM-201', ['a.ns.joker.com', 'b.ns.joker.com'], ['addPeriod']]);
    assert.equal(d.expiresAt, addMonths(p().registry.clock.now(), 12));
    await refused(r.createDomain({ name: 'epp-flow.com', periodMonths: 12, registrant: 'CCOM-201' }), 2302);
    const ours = await r.checkDomain('epp-flow.com');
    assert.ok(ours.status === 'registered' && ours.ours);

    // An internal name server, a delegation change, a lock and DS records in one update each.
    const host = await r.createHost('ns1.epp-flow.com', { ipv4: ['45.76.10.53'], ipv6: [] });
    assert.equal(host.superordinate, 'epp-flow.com');
    const moved = await r.updateHost('ns1.epp-flow.com', { ipv4: ['45.76.10.54'], ipv6: ['2a05:d014::53'] });
    assert.deepEqual([moved.ipv4, moved.ipv6], [['45.76.10.54'], ['2a05:d014::53']]);
    let u = await r.updateDomain('epp-flow.com', { nameservers: ['ns1.epp-flow.com', 'b.ns.joker.com'], addStatuses: ['clientTransferProhibited'], dnssec: ds });
    assert.deepEqual([u.nameservers, u.statuses, u.dnssec], [['b.ns.joker.com', 'ns1.epp-flow.com'], ['clientTransferProhibited'], ds]);
    u = await r.updateDomain('epp-flow.com', { removeStatuses: ['clientTransferProhibited'], dnssec: null, tech: 'CCOM-202' });
    assert.deepEqual([u.statuses, u.dnssec, u.tech], [['ok'], null, 'CCOM-202']);
    await refused(r.deleteDomain('epp-flow.com'), 2305);
    await r.updateDomain('epp-flow.com', { nameservers: ['a.ns.joker.com', 'b.ns.joker.com'] });
    await r.deleteHost('ns1.epp-flow.com');

    // Auth codes: set, verified only by a registrar that is not the sponsor, removed.
    const code = await r.newAuthCode('epp-flow.com');
    assert.ok(code.length >= 16);
    assert.equal((await r.infoDomain('epp-flow.com'))?.hasAuthCode, true);
    assert.equal(await atRegistry().verifyAuthCode('epp-flow.com', code), true, 'the registry holds the code dmapid set');
    await r.setAuthCode('epp-flow.com', null);
    assert.equal((await r.infoDomain('epp-flow.com'))?.hasAuthCode, false);

    p().advance(10 * DAY);
    const renewed = await epp().renewDomain('epp-flow.com', d.expiresAt, 24);
    assert.equal(renewed.expiresAt, addMonths(d.expiresAt, 24));
    await refused(epp().renewDomain('epp-flow.com', d.expiresAt, 12), 2004);

    const gone = await epp().deleteDomain('epp-flow.com');
    assert.equal(gone.purged, false);
    assert.equal(gone.purgeAt, p().client.clock.now() + 35 * DAY);
    assert.deepEqual((await epp().infoDomain('epp-flow.com'))?.rgp, ['redemptionPeriod']);
    const back = await epp().restoreDomain('epp-flow.com');
    assert.deepEqual(back.rgp, []);
    assert.equal(back.sponsor, OWN_REGISTRAR);
  });

  it('purges a name deleted inside its add grace period, and answers a missing one as missing', async () => {
    const r = epp();
    await r.createContact('CCOM-301', postal);
    await r.createDomain({ name: 'epp-young.com', periodMonths: 12, registrant: 'CCOM-301', admin: 'CCOM-301', tech: 'CCOM-301', billing: 'CCOM-301' });
    assert.deepEqual(await r.deleteDomain('epp-young.com'), { purged: true, credits: [], purgeAt: null });
    assert.equal(await r.infoDomain('epp-young.com'), undefined);
    await refused(r.renewDomain('epp-young.com', Date.now(), 12), 2303);
    assert.deepEqual(await r.checkDomain('no-registry.invalidtld'), { status: 'invalid', reason: 'no registry is configured for this TLD' });
  });

  it('files the frames of a job with passwords and auth codes masked, all valid EPP', async () => {
    const { deps } = p().client.app;
    await forJob(4242, async () => {
      const r = epp();
      await r.createContact('CCOM-401', postal);
      await r.createDomain({ name: 'epp-frames.com', periodMonths: 12, registrant: 'CCOM-401', admin: 'CCOM-401', tech: 'CCOM-401', billing: 'CCOM-401', authCode: 'Secret-Code-42!' });
      await r.setAuthCode('epp-frames.com', 'Other-Secret-43!');
    });
    const frames = await framesOfJob(deps.db, 4242);
    assert.deepEqual(frames.map((f) => f.command), ['contact:create', 'contact:info', 'domain:create', 'domain:info', 'domain:update']);
    assert.ok(frames.every((f) => f.result_code === 1000 && f.registry === 'local'));
    const all = frames.map((f) => `${f.sent}${f.received}`).join('');
    assert.doesNotMatch(all, /Secret-Code-42|Other-Secret-43/);
    assert.match(frames[2]!.sent, /<domain:pw>\*{8}<\/domain:pw>/);
    assertValidEpp(frames.flatMap((f) => [f.sent, f.received!]));
    // Outside a job nothing is filed.
    await epp().infoDomain('epp-frames.com');
    assert.equal((await deps.db.selectFrom('registry_frames').select('id').execute()).length, frames.length);
  });

  it('reads the poll queue in the sweep: each message stored once, then acknowledged', async () => {
    const { deps } = p().client.app;
    const reg = p().registry.app.deps;
    // A foreign registrar asks for a name of ours: the registry queues a message for dmapid.
    const r = epp();
    await r.createContact('CCOM-501', postal);
    await r.createDomain({ name: 'epp-polled.com', periodMonths: 12, registrant: 'CCOM-501', admin: 'CCOM-501', tech: 'CCOM-501', billing: 'CCOM-501' });
    p().advance(61 * DAY);
    const code = await epp().newAuthCode('epp-polled.com');
    await reg.db.transaction().execute((trx) => simulatorOf(reg).openAs('sim-budgetnames', trx, p().registry.clock.now()).requestTransfer('epp-polled.com', code));
    await registryOf(deps).sweep(deps.db, p().client.clock.now());
    const stored = await deps.db.selectFrom('registry_poll_messages').selectAll().orderBy('id').execute();
    assert.ok(stored.some((m) => m.kind === 'transfer-requested' && m.object === 'epp-polled.com'), JSON.stringify(stored));
    assert.deepEqual(await atRegistry().poll(10), [], 'acknowledged at the registry');
    const t = await epp().queryTransfer('epp-polled.com');
    assert.deepEqual([t?.status, t?.gaining, t?.losing], ['pending', 'sim-budgetnames', OWN_REGISTRAR]);
    assert.ok((await epp().infoDomain('epp-polled.com'))?.pendingTransfer);
    await epp().rejectTransfer('epp-polled.com');
    assert.equal(await registryOf(deps).sweep(deps.db, p().client.clock.now()).then(() => 'ok'), 'ok');
  });
});

/** A registry whose greeting dmapid may not fully use: only what is offered (and not disabled) is logged in with and sent. */
forEachDatabaseOverEpp(
  'EPP backend without secDNS, fee and RFC 9154',
  (p) => {
    const epp = () => registryOf(p().client.app.deps).open(p().client.app.deps.db, p().client.clock.now());

    it('logs in without them, refuses what needs them before sending, and sets auth codes a plain registry accepts', async () => {
      const r = epp();
      await forJob(5151, async () => {
        await r.createContact('CCOM-601', postal);
        await r.createDomain({ name: 'epp-plain.com', periodMonths: 12, registrant: 'CCOM-601', admin: 'CCOM-601', tech: 'CCOM-601', billing: 'CCOM-601' });
      });
      const frames = await framesOfJob(p().client.app.deps.db, 5151);
      assert.match(frames[2]!.sent, /<domain:pw>\*{8}<\/domain:pw>/, 'a random code instead of the empty one of RFC 9154');
      assert.equal((await r.infoDomain('epp-plain.com'))?.hasAuthCode, true);
      const sent = (await p().client.app.deps.db.selectFrom('registry_frames').select('id').execute()).length;
      await assert.rejects(r.updateDomain('epp-plain.com', { dnssec: ds }), (e: unknown) => e instanceof RegistryError && e.code === 2306 && /does not offer secDNS-1\.1/.test(e.message));
      await assert.rejects(r.createDomain({ name: 'epp-premium.com', periodMonths: 12, registrant: 'CCOM-601', acceptPrice: { amount: 10000, currency: 'USD' } }), /does not offer fee-1\.0/);
      assert.equal((await p().client.app.deps.db.selectFrom('registry_frames').select('id').execute()).length, sent, 'neither was sent');
      const u = await r.updateDomain('epp-plain.com', { addStatuses: ['clientHold'] });
      assert.deepEqual(u.statuses, ['clientHold', 'inactive']);
    const pool = (registryOf(p().client.app.deps) as unknown as EppBackend).pools()[0]!;
    assert.ok(pool.greeting?.extURIs.includes(NS.secDNS), 'offered by the registry');
    assert.equal(pool.uses(NS.secDNS), false, 'but not used');
    });
  },
  { registries: { disableExtensions: ['urn:ietf:params:xml:ns:secDNS-1.1', 'urn:ietf:params:xml:ns:epp:fee-1.0', 'urn:ietf:params:xml:ns:epp:secure-authinfo-transfer-1.0'] } },
);
