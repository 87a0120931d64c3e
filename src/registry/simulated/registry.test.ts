import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { OWN_REGISTRAR, RegistryError, simulatorOf } from '../index.ts';
import type { ContactPostal, Registry } from '../port.ts';
import { DAY } from '../../core/clock.ts';
import { addMonths } from '../../core/period.ts';
import { OTHER_PROVIDERS } from './session.ts';
import { setTransferPolicy } from '../../services/transfer-policy.ts';

const postal: ContactPostal = { name: 'Jane Roe', organization: '', street: ['1 Main St'], city: 'Springfield', state: '', postalCode: '12345', country: 'US', voice: '+1.4155552671', voiceExt: '', fax: '', email: 'jane@example.net', extensions: {} };

async function rejects(p: Promise<unknown>, code: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RegistryError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

forEachDatabase('simulated registry', (t) => {
  const sim = () => simulatorOf(t().app.deps);
  const reg = (as = OWN_REGISTRAR): Registry => sim().openAs(as, t().app.deps.db, t().clock.now());
  let contactNo = 0;
  const contact = async (as = OWN_REGISTRAR) => {
    const id = `TST-${++contactNo}${as === OWN_REGISTRAR ? '' : 'F'}`;
    await reg(as).createContact(id, postal);
    return id;
  };
  const register = async (name: string, extra: Partial<Parameters<Registry['createDomain']>[0]> = {}) => {
    const c = await contact();
    return reg().createDomain({ name, periodMonths: 12, registrant: c, admin: c, tech: c, billing: c, ...extra });
  };

  it('answers availability like a real registry from the seeded world', async () => {
    const r = reg();
    assert.deepEqual(await r.checkDomain('example.com'), { status: 'registered', sponsor: 'iana', ours: false, rgp: undefined });
    assert.deepEqual(await r.checkDomain('Transfer-Me.COM'), { status: 'registered', sponsor: 'sim-budgetnames', ours: false, rgp: undefined });
    assert.deepEqual(await r.checkDomain('fresh-name-4711.com'), { status: 'available' });
    assert.deepEqual(await r.checkDomain('nic.app'), { status: 'reserved', reason: 'nic.app is reserved by the registry' });
    assert.deepEqual(await r.checkDomain('crypto.io'), { status: 'premium', class: 'premium-platinum', create: { amount: 1_200_000, currency: 'USD' }, renew: { amount: 25_000, currency: 'USD' } });
    assert.equal((await r.checkDomain('bücher.com')).status, 'available');
    for (const [name, why] of [['a.b.com', /exactly one label/], ['foo.zz', /not under a TLD/], ['bad_name.com', /other than letters/], ['bücher.io', /no internationalised/], ['pаypal.com', /scripts/]] as const) {
      const a = await r.checkDomain(name);
      assert.equal(a.status, 'invalid', name);
      assert.match((a as { reason: string }).reason, why);
    }
  });

  it('creates a domain with the TLD\'s contact roles, periods, hosts and add grace', async () => {
    const r = reg();
    const c = await contact();
    await rejects(r.createDomain({ name: 'new-one.com', periodMonths: 12, registrant: c }), 2003, /admin/);
    await rejects(r.createDomain({ name: 'new-one.com', periodMonths: 18, registrant: c, admin: c, tech: c, billing: c }), 2004, /period 18/);
    await rejects(r.createDomain({ name: 'new-one.com', periodMonths: 12, registrant: 'NOPE-1', admin: c, tech: c, billing: c }), 2303, /registrant contact NOPE-1/);
    await rejects(r.createDomain({ name: 'new-one.com', periodMonths: 12, registrant: 'BG-70001', admin: c, tech: c, billing: c }), 2201);
    // Inside a domain the registry holds, a name server must be created first ...
    await rejects(r.createDomain({ name: 'new-one.com', periodMonths: 12, registrant: c, admin: c, tech: c, billing: c, nameservers: ['ns9.example.com'] }), 2303, /ns9.example.com does not exist at the registry; create the host first/);
    await rejects(r.createDomain({ name: 'nic.com', periodMonths: 12, registrant: c, admin: c, tech: c, billing: c }), 2306, /reserved/);
    await rejects(r.createDomain({ name: 'example.com', periodMonths: 12, registrant: c, admin: c, tech: c, billing: c }), 2302);
    const d = await r.createDomain({ name: 'New-One.com', periodMonths: 24, registrant: c, admin: c, tech: c, billing: c, nameservers: ['a.ns.budgetnames.example'] });
    assert.equal(d.name, 'new-one.com');
    assert.equal(d.sponsor, OWN_REGISTRAR);
    assert.deepEqual(d.statuses, ['ok']);
    assert.deepEqual(d.rgp, ['addPeriod']);
    assert.equal(d.expiresAt, addMonths(t().clock.now(), 24));
    assert.match(d.roid, /^D\d+-SIM$/);
    // ... anywhere else it is another provider's, which the registry knows (under a served TLD too).
    const other = await r.createDomain({ name: 'other-ns.com', periodMonths: 12, registrant: c, admin: c, tech: c, billing: c, nameservers: ['ada.ns.cloudflare.com', 'ns1.provider-dns.net'] });
    assert.deepEqual(other.nameservers, ['ada.ns.cloudflare.com', 'ns1.provider-dns.net']);
    const ada = await r.infoHost('ada.ns.cloudflare.com');
    assert.deepEqual([ada?.sponsor, ada?.superordinate, ada?.ipv4], [OTHER_PROVIDERS, null, []]);
    // .eu needs no admin or billing contact.
    const eu = await r.createDomain({ name: 'neu.eu', periodMonths: 12, registrant: c, tech: c });
    assert.deepEqual(eu.statuses, ['inactive']);
  });

  it('charges premium names only with the acknowledged fee', async () => {
    const c = await contact();
    const input = { name: 'crypto.io', periodMonths: 24, registrant: c, admin: c, tech: c, billing: c };
    await rejects(reg().createDomain(input), 2004, /12250\.00 USD for 2 year/);
    await rejects(reg().createDomain({ ...input, acceptPrice: { amount: 1_224_999, currency: 'USD' } }), 2004);
    const d = await reg().createDomain({ ...input, acceptPrice: { amount: 1_225_000, currency: 'USD' } });
    assert.equal(d.name, 'crypto.io');
  });

  it('renews against the current expiry date, within ten years', async () => {
    const d = await register('renew-me.net');
    await rejects(reg().renewDomain('renew-me.net', d.expiresAt + DAY, 12), 2004, /current expiration date/);
    await rejects(reg().renewDomain('renew-me.net', d.expiresAt, 120), 2004, /10-year/);
    const r = await reg().renewDomain('renew-me.net', d.expiresAt, 24);
    assert.equal(r.expiresAt, addMonths(d.expiresAt, 24));
    assert.deepEqual(r.rgp, ['addPeriod', 'renewPeriod']);
    await rejects(reg('sim-budgetnames').renewDomain('renew-me.net', r.expiresAt, 12), 2201);
    await rejects(reg().renewDomain('example.net', Date.parse('2035-01-16'), 12), 2201);
  });

  it('purges a name deleted inside the add grace period and credits the create', async () => {
    await register('oops.org');
    const out = await reg().deleteDomain('oops.org');
    assert.deepEqual(out, { purged: true, credits: [{ kind: 'addPeriod', months: 12 }], purgeAt: null });
    assert.deepEqual(await reg().checkDomain('oops.org'), { status: 'available' });
    assert.ok((await reg().poll()).some((m) => m.kind === 'purged' && m.object === 'oops.org'));
  });

  it('deletes into redemption, restores within it, and purges after redemption and pending delete', async () => {
    await register('keep-me.info');
    await register('lose-me.info');
    t().clock.advance(6 * DAY);
    const del = await reg().deleteDomain('keep-me.info');
    assert.equal(del.purged, false);
    assert.equal(del.purgeAt, t().clock.now() + 35 * DAY);
    const info = await reg().infoDomain('keep-me.info');
    assert.ok(info!.statuses.includes('pendingDelete'));
    assert.deepEqual(info!.rgp, ['redemptionPeriod']);
    assert.deepEqual(await reg().checkDomain('keep-me.info'), { status: 'registered', sponsor: OWN_REGISTRAR, ours: true, rgp: 'redemptionPeriod' });
    await rejects(reg().updateDomain('keep-me.info', { addStatuses: ['clientHold'] }), 2304);
    const restored = await reg().restoreDomain('keep-me.info');
    assert.deepEqual(restored.rgp, []);
    assert.ok(restored.expiresAt >= addMonths(t().clock.now(), 12));
    await rejects(reg().restoreDomain('keep-me.info'), 2304, /not in its redemption/);

    await reg().deleteDomain('lose-me.info');
    t().clock.advance(30 * DAY + 1);
    assert.deepEqual((await reg().infoDomain('lose-me.info'))!.rgp, ['pendingDelete']);
    await rejects(reg().restoreDomain('lose-me.info'), 2304);
    t().clock.advance(5 * DAY);
    assert.equal(await reg().infoDomain('lose-me.info'), undefined);
    assert.deepEqual(await reg().checkDomain('lose-me.info'), { status: 'available' });
  });

  it('refuses to delete a name with subordinate hosts or a delete prohibition', async () => {
    await register('parent.biz');
    await reg().createHost('ns1.parent.biz', { ipv4: ['45.76.10.10'], ipv6: [] });
    t().clock.advance(6 * DAY);
    await rejects(reg().deleteDomain('parent.biz'), 2305, /ns1\.parent\.biz/);
    await reg().deleteHost('ns1.parent.biz');
    await reg().updateDomain('parent.biz', { addStatuses: ['clientDeleteProhibited'] });
    await rejects(reg().deleteDomain('parent.biz'), 2304);
  });

  it('auto-renews gTLD names at expiry and lets ccTLD-style names expire into redemption', async () => {
    const now = t().clock.now();
    await sim().plantDomain(t().app.deps.db, now, { name: 'old-timer.com', sponsor: OWN_REGISTRAR, expiresAt: now + DAY });
    await sim().plantDomain(t().app.deps.db, now, { name: 'old-timer.eu', sponsor: OWN_REGISTRAR, expiresAt: now + DAY });
    t().clock.advance(2 * DAY);
    const report = await sim().sweep(t().app.deps.db, t().clock.now());
    assert.ok(report.autoRenewed.includes('old-timer.com'));
    assert.ok(report.expired.includes('old-timer.eu'));
    const com = await reg().infoDomain('old-timer.com');
    assert.equal(com!.expiresAt, addMonths(now + DAY, 12));
    assert.deepEqual(com!.rgp, ['autoRenewPeriod']);
    assert.deepEqual((await reg().infoDomain('old-timer.eu'))!.rgp, ['redemptionPeriod']);
    const kinds = (await reg().poll()).filter((m) => m.object.startsWith('old-timer')).map((m) => `${m.kind} ${m.object}`);
    assert.deepEqual(kinds, ['autorenew old-timer.com', 'expired old-timer.eu']);
    // Without the sweep, reading the name settles it just the same.
    t().clock.advance(40 * DAY);
    assert.equal(await reg().infoDomain('old-timer.eu'), undefined);
  });

  it('transfers in with the auth code: wrong code, lock, pending, approval by the losing registrar', async () => {
    await rejects(reg().requestTransfer('transfer-me.com', 'wrong'), 2202);
    await rejects(reg().requestTransfer('transfer-me.com', undefined), 2003);
    await rejects(reg().requestTransfer('acme-widgets.com', 'x'), 2304, /locked/);
    await rejects(reg().requestTransfer('example.org', 'x'), 2304);
    const before = (await reg().infoDomain('transfer-me.com'))!;
    const tr = await reg().requestTransfer('transfer-me.com', 'Tr4nsfer-Me.2026');
    assert.equal(tr.status, 'pending');
    assert.equal(tr.actBy, t().clock.now() + 5 * DAY);
    assert.equal(tr.expiresAt, addMonths(before.expiresAt, 12));
    await rejects(reg().requestTransfer('transfer-me.com', 'Tr4nsfer-Me.2026'), 2300);
    await rejects(reg().approveTransfer('transfer-me.com'), 2201, /losing registrar/);
    assert.ok((await reg('sim-budgetnames').poll()).some((m) => m.kind === 'transfer-requested' && m.object === 'transfer-me.com'));
    const done = await reg('sim-budgetnames').approveTransfer('transfer-me.com');
    assert.equal(done.status, 'clientApproved');
    const after = (await reg().infoDomain('transfer-me.com'))!;
    assert.equal(after.sponsor, OWN_REGISTRAR);
    assert.equal(after.expiresAt, addMonths(before.expiresAt, 12));
    assert.deepEqual(after.rgp, ['transferPeriod']);
    assert.equal(after.hasAuthCode, false);
    await rejects(reg().requestTransfer('transfer-me.com', 'x'), 2002);
    // Inside the 60-day post-transfer window the name cannot move again.
    const code = await reg().newAuthCode('transfer-me.com');
    await rejects(reg('sim-brandguard').requestTransfer('transfer-me.com', code), 2106);
  });

  it('approves a transfer on its own after five days; reject and cancel end it without a change', async () => {
    const now = t().clock.now();
    await sim().plantDomain(t().app.deps.db, now, { name: 'slow-loser.net', sponsor: 'sim-brandguard', authCode: 'Slow-Loser-1' });
    await sim().plantDomain(t().app.deps.db, now, { name: 'says-no.net', sponsor: 'sim-brandguard', authCode: 'Says-No-1' });
    await reg().requestTransfer('slow-loser.net', 'Slow-Loser-1');
    await reg().requestTransfer('says-no.net', 'Says-No-1');
    const rejected = await reg('sim-brandguard').rejectTransfer('says-no.net');
    assert.equal(rejected.status, 'clientRejected');
    assert.equal((await reg().infoDomain('says-no.net'))!.sponsor, 'sim-brandguard');
    await reg().requestTransfer('says-no.net', 'Says-No-1');
    assert.equal((await reg().cancelTransfer('says-no.net')).status, 'clientCancelled');
    t().clock.advance(5 * DAY);
    const report = await sim().sweep(t().app.deps.db, t().clock.now());
    assert.ok(report.transfersApproved.includes('slow-loser.net'));
    assert.equal((await reg().infoDomain('slow-loser.net'))!.sponsor, OWN_REGISTRAR);
    assert.equal((await reg().queryTransfer('slow-loser.net'))!.status, 'serverApproved');
    // A fresh registration may not move for 60 days.
    await register('brand-new.net');
    const code = await reg().newAuthCode('brand-new.net');
    await rejects(reg('sim-brandguard').requestTransfer('brand-new.net', code), 2106, /registered less than 60 days/);
  });

  it('foreign registrars answer by their policy, dated when the answer fell due, for any requester', async () => {
    const db = t().app.deps.db;
    const now = t().clock.now();
    await sim().addRegistrar(db, now, { id: 'sim-quick', name: 'Quick' });
    await sim().addRegistrar(db, now, { id: 'sim-grumpy', name: 'Grumpy' });
    await setTransferPolicy(db, now, { registrar: 'sim-quick', answer: 'approve', delayMs: 3_600_000 });
    await setTransferPolicy(db, now, { registrar: 'sim-grumpy', answer: 'reject', delayMs: 0 });
    await sim().plantDomain(db, now, { name: 'quick-yes.net', sponsor: 'sim-quick', authCode: 'Quick-Yes-1' });
    await sim().plantDomain(db, now, { name: 'grumpy-no.net', sponsor: 'sim-grumpy', authCode: 'Grumpy-No-1' });
    // Another registrar (an EPP login, say) requests: the policy answers it the same.
    await sim().addRegistrar(db, now, { id: 'sim-gainer', name: 'Gainer' });
    await reg('sim-gainer').requestTransfer('quick-yes.net', 'Quick-Yes-1');
    await reg('sim-gainer').requestTransfer('grumpy-no.net', 'Grumpy-No-1');
    assert.equal((await reg('sim-gainer').queryTransfer('grumpy-no.net'))!.status, 'clientRejected', 'no delay: answered at once');
    t().clock.advance(3_599_000);
    assert.equal((await reg('sim-gainer').queryTransfer('quick-yes.net'))!.status, 'pending');
    t().clock.advance(10 * 60_000);
    const report = await sim().sweep(db, t().clock.now());
    assert.ok(report.transfersApproved.includes('quick-yes.net'), 'the sweep finds answers that fell due');
    const info = (await reg('sim-gainer').infoDomain('quick-yes.net'))!;
    assert.equal(info.sponsor, 'sim-gainer');
    assert.equal(info.transferredAt, now + 3_600_000, 'dated when the policy answered, not when it was looked at');
    const q = await reg('sim-gainer').queryTransfer('quick-yes.net');
    assert.equal(q!.status, 'clientApproved');
    const messages = await db.selectFrom('registry_messages').select(['registrar', 'kind']).where('object', 'in', ['quick-yes.net', 'grumpy-no.net']).orderBy('id').execute();
    assert.deepEqual(messages.filter((m) => m.registrar === 'sim-gainer').map((m) => m.kind), ['transfer-requested', 'transfer-requested', 'transfer-rejected', 'transfer-approved']);
  });

  it('keeps auth codes hashed, valid for 14 days', async () => {
    await register('coded.org');
    const code = await reg().newAuthCode('coded.org');
    assert.match(code, /^.{22}$/);
    assert.ok(await reg().verifyAuthCode('coded.org', code));
    assert.ok(!(await reg().verifyAuthCode('coded.org', code + 'x')));
    const row = await t().app.deps.db.selectFrom('registry_domains').select('auth_hash').where('name', '=', 'coded.org').executeTakeFirstOrThrow();
    assert.ok(row.auth_hash && !row.auth_hash.includes(code));
    t().clock.advance(14 * DAY);
    assert.ok(!(await reg().verifyAuthCode('coded.org', code)));
  });

  it('updates delegation, client statuses and DNSSEC in the TLD\'s format', async () => {
    await register('signed.com');
    await reg().createHost('ns1.signed.com', { ipv4: ['45.76.10.10'], ipv6: [] });
    const d = await reg().updateDomain('signed.com', { nameservers: ['ns1.signed.com', 'a.ns.budgetnames.example'] });
    assert.deepEqual(d.nameservers, ['ns1.signed.com', 'a.ns.budgetnames.example']);
    assert.deepEqual(d.subordinateHosts, ['ns1.signed.com']);
    await rejects(reg().updateDomain('signed.com', { addStatuses: ['serverHold' as never] }), 2004);
    await rejects(reg().updateDomain('signed.com', { addStatuses: ['clientHold'], removeStatuses: ['clientHold'] }), 2306);
    await rejects(reg().updateDomain('signed.com', { dnssec: { kind: 'key', records: [{ flags: 257, protocol: 3, algorithm: 13, publicKey: 'AAAA' }] } }), 2306, /takes DS records/);
    await rejects(reg().updateDomain('signed.com', { dnssec: { kind: 'ds', records: [{ keyTag: 1, algorithm: 13, digestType: 2, digest: 'AB' }] } }), 2306, /64 hex/);
    const ds = { kind: 'ds' as const, records: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'A'.repeat(64) }] };
    assert.deepEqual((await reg().updateDomain('signed.com', { dnssec: ds })).dnssec, ds);
    await reg().updateDomain('signed.com', { addStatuses: ['clientUpdateProhibited', 'clientTransferProhibited'] });
    await rejects(reg().updateDomain('signed.com', { dnssec: null }), 2304, /clientUpdateProhibited/);
    const unlocked = await reg().updateDomain('signed.com', { removeStatuses: ['clientUpdateProhibited'] });
    assert.deepEqual(unlocked.statuses, ['clientTransferProhibited']);
  });

  it('host objects: internal ones need an address and a parent we sponsor, external ones take none', async () => {
    await register('hosty.com');
    await rejects(reg().createHost('ns1.hosty.com', { ipv4: [], ipv6: [] }), 2003);
    await rejects(reg().createHost('ns1.hosty.com', { ipv4: ['10.1.2.3'], ipv6: [] }), 2306, /special-purpose/);
    await rejects(reg().createHost('ns1.hosty.com', { ipv4: ['010.1.2.3'], ipv6: [] }), 2005);
    await rejects(reg().createHost('ns3.brandguard.com', { ipv4: ['45.76.10.12'], ipv6: [] }), 2201);
    await rejects(reg().createHost('ns1.not-registered-yet.com', { ipv4: ['45.76.10.12'], ipv6: [] }), 2303);
    await rejects(reg().createHost('hosty.com', { ipv4: ['45.76.10.12'], ipv6: [] }), 2306);
    await rejects(reg().createHost('ns.example.ch', { ipv4: ['45.76.10.12'], ipv6: [] }), 2004, /takes no addresses/);
    await rejects(reg().createHost('ns1.brandguard.com', { ipv4: ['45.76.10.12'], ipv6: [] }), 2302);
    const h = await reg().createHost('NS1.hosty.com', { ipv4: ['45.76.10.11', '45.76.10.11'], ipv6: ['2A05:D014::0:53'] });
    assert.deepEqual({ name: h.name, ipv4: h.ipv4, ipv6: h.ipv6, superordinate: h.superordinate, statuses: h.statuses }, { name: 'ns1.hosty.com', ipv4: ['45.76.10.11'], ipv6: ['2a05:d014::53'], superordinate: 'hosty.com', statuses: ['ok'] });
    const ext = await reg().createHost('ns.example.ch', { ipv4: [], ipv6: [] });
    assert.equal(ext.superordinate, null);
    await rejects(reg().updateHost('ns1.hosty.com', { ipv4: [], ipv6: [] }), 2304, /at least one address/);
    await rejects(reg().updateHost('ns.example.ch', { ipv4: ['45.76.10.12'] }), 2004);
    await rejects(reg().updateHost('ns1.brandguard.com', { ipv4: ['45.76.10.12'] }), 2201);
    const renamed = await reg().updateHost('ns1.hosty.com', { newName: 'ns2.hosty.com', ipv6: [] });
    assert.deepEqual([renamed.name, renamed.ipv4, renamed.ipv6], ['ns2.hosty.com', ['45.76.10.11'], []]);
    // A foreign registrar's domain delegating to our host keeps it alive (2305) and tells its sponsor about changes.
    await sim().plantDomain(t().app.deps.db, t().clock.now(), { name: 'uses-ours.com', sponsor: 'sim-brandguard', nameservers: ['ns2.hosty.com'] });
    assert.ok((await reg().infoHost('ns2.hosty.com'))!.statuses.includes('linked'));
    await rejects(reg().deleteHost('ns2.hosty.com'), 2305, /uses-ours\.com/);
    await reg().updateHost('ns2.hosty.com', { ipv4: ['45.76.10.13'] });
    assert.ok((await reg('sim-brandguard').poll()).some((m) => m.kind === 'host-changed' && m.object === 'ns2.hosty.com'));
    await reg().deleteHost('ns.example.ch');
    assert.equal(await reg().checkHost('ns.example.ch'), false);
  });

  it('contacts: unique ids, sponsor-only info and changes, no delete while linked', async () => {
    await reg().createContact('ccom-9001', postal);
    await rejects(reg().createContact('CCOM-9001', postal), 2302);
    await rejects(reg().createContact('x', postal), 2005);
    await rejects(reg().createContact('CCOM-9002', { ...postal, email: '' }), 2003);
    await rejects(reg().createContact('CCOM-9002', { ...postal, voice: '+1 415' }), 2005);
    await rejects(reg().createContact('CCOM-9002', { ...postal, country: 'UK' }), 2005, /GB/);
    const info = (await reg().infoContact('CCOM-9001'))!;
    assert.deepEqual([info.id, info.statuses, info.postal.city], ['CCOM-9001', ['ok'], 'Springfield']);
    await rejects(reg('sim-brandguard').infoContact('CCOM-9001'), 2201);
    await rejects(reg('sim-brandguard').updateContact('CCOM-9001', { city: 'Shelbyville' }), 2201);
    assert.equal((await reg().updateContact('CCOM-9001', { city: 'Shelbyville' })).postal.city, 'Shelbyville');
    await reg().createDomain({ name: 'linked-contact.com', periodMonths: 12, registrant: 'CCOM-9001', admin: 'CCOM-9001', tech: 'CCOM-9001', billing: 'CCOM-9001' });
    assert.deepEqual((await reg().infoContact('CCOM-9001'))!.statuses, ['ok', 'linked']);
    await rejects(reg().deleteContact('CCOM-9001'), 2305, /linked-contact\.com/);
    await reg().deleteDomain('linked-contact.com');
    await reg().deleteContact('CCOM-9001');
    assert.equal(await reg().infoContact('CCOM-9001'), undefined);
  });

  it('plants foreign registrars and names for the sandbox', async () => {
    const db = t().app.deps.db;
    await sim().addRegistrar(db, t().clock.now(), { id: 'sim-other', name: 'Other Registrar' });
    await assert.rejects(sim().addRegistrar(db, t().clock.now(), { id: 'sim-other', name: 'again' }), /exists/);
    const d = await sim().plantDomain(db, t().clock.now(), { name: 'planted.org', sponsor: 'sim-other', statuses: ['clientTransferProhibited'] });
    assert.deepEqual([d.sponsor, d.nameservers, d.statuses], ['sim-other', ['ns1.registrar-dns.example', 'ns2.registrar-dns.example'], ['clientTransferProhibited']]);
    await assert.rejects(sim().plantDomain(db, t().clock.now(), { name: 'planted2.org', sponsor: 'nobody' }), /registrar nobody/);
    // All or nothing: an internal name server that does not exist yet fails the whole planting.
    await assert.rejects(sim().plantDomain(db, t().clock.now(), { name: 'half.org', sponsor: 'sim-other', nameservers: ['ns1.half.org'] }), /needs at least one address/);
    assert.deepEqual(await reg().checkDomain('half.org'), { status: 'available' });
    const regs = await sim().listRegistrars(db);
    assert.deepEqual(regs.find((r) => r.id === 'sim-other'), { id: 'sim-other', name: 'Other Registrar', ianaId: null, domains: 1 });
    assert.ok((await sim().listDomains(db, 'iana')).map((x) => x.name).includes('example.com'));
  });
});


