import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/dns/client.ts';
import { dnskeyOf, dsOf, keyTag } from '../../src/dns/dnssec/keys.ts';
import { RCODE, TYPE, type Message } from '../../src/dns/wire/types.ts';
import { DAY } from '../../src/core/clock.ts';
import { openKey, unseal, zoneKeyRows } from '../../src/zone/dnssec-keys.ts';
import { runDnssecMaintenance, startKskRollover } from '../../src/zone/dnssec.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { atRegistry, domainReseller, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { newContact } from '../helpers/registry-fixtures.ts';
import { axfrZoneFile, checkSignedZone, needTools } from './dns-tools.ts';

/**
 * Signed hosted zones through DMAPI and the database: `$dnssec=yes` → keys → signed answers and
 * transfers (checked by Knot's kzonecheck at the test clock's time), the DS at the registry, and
 * on the moved clock: re-signing, a ZSK pre-publish rollover, a KSK double-signature rollover and
 * the unwinding of `$dnssec=no`.
 */
const skip = needTools('kzonecheck');
const ZONE = 'signed-zone.com';
const ZONE_TEXT = `$dyndns=no::\nwww A 0 192.0.2.10 3600\n@ MX 10 mail.${ZONE}. 3600\nmail A 0 192.0.2.25 3600\n*.wild TXT 0 "wild" 600\nsip A 0 192.0.2.60 3600`;

forEachDatabase(
  'interop: DNSSEC signing of hosted zones (kzonecheck)',
  (t) => {
    let r: DomainReseller;
    const ask = (name: string, type: number): Promise<Message> => query({ host: '127.0.0.1', port: t().app.dns!.port }, name, type, { dnssecOk: true, tcp: true });
    const serial = async () => {
      const d = (await ask(ZONE, TYPE.SOA)).answers[0]!.data;
      return d.type === 'SOA' ? d.serial : -1;
    };
    const dnskeys = async () => (await ask(ZONE, TYPE.DNSKEY)).answers.filter((a) => a.data.type === 'DNSKEY');
    /** Key tags of the keys signing the A RRset at www. */
    const zskSigners = async () => (await ask(`www.${ZONE}`, TYPE.A)).answers.flatMap((a) => (a.data.type === 'RRSIG' ? [a.data.keyTag] : []));
    const check = async (at = t().clock.now()) => checkSignedZone(await axfrZoneFile(t().app.dns!.port, ZONE), ZONE, at);
    const maintain = () => runDnssecMaintenance(t().app.deps, t().clock.now());
    /** What the maintenance did to ZONE (the .de zone of one test rolls along unchecked). */
    const steps = async () => {
      const id = (await t().app.deps.db.selectFrom('zones').select('id').where('name', '=', ZONE).executeTakeFirstOrThrow()).id;
      return (await maintain())[id] ?? [];
    };

    before(async () => {
      await t().app.dns!.listen();
      r = await domainReseller(t(), 'dnssec-reseller');
      await registered(t(), r, ZONE);
    });

    it('$dnssec=yes signs the zone with a new KSK and ZSK (private keys sealed); kzonecheck accepts the AXFR and rejects a tampered copy', { skip }, async () => {
      const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain: ZONE, zone: `$dnssec=yes\n${ZONE_TEXT}` });
      assert.equal(put.code, 0, put.raw);
      const rows = await zoneKeyRows(t().app.deps.db, (await t().app.deps.db.selectFrom('zones').select('id').where('name', '=', ZONE).executeTakeFirstOrThrow()).id);
      assert.deepEqual(rows.map((k) => [k.role, k.state, k.algorithm]), [['ksk', 'active', 13], ['zsk', 'active', 13]]);
      // Sealed: the stored text is not the key, and it opens only for its own zone and role.
      const kek = t().app.deps.dnssecKek;
      assert.ok(unseal(kek, rows[0]!.zone_id, 'ksk', rows[0]!.sealed_key).length > 0);
      assert.throws(() => unseal(kek, rows[0]!.zone_id, 'zsk', rows[0]!.sealed_key));
      assert.throws(() => unseal(Buffer.alloc(32), rows[0]!.zone_id, 'ksk', rows[0]!.sealed_key));
      assert.deepEqual((await dnskeys()).map((k) => k.data.type === 'DNSKEY' && k.data.flags).sort(), [256, 257]);
      const www = await ask(`www.${ZONE}`, TYPE.A);
      assert.deepEqual(www.answers.map((a) => a.data.type), ['A', 'RRSIG']);
      const nx = await ask(`nothere.${ZONE}`, TYPE.A);
      assert.equal(nx.rcode, RCODE.NXDOMAIN);
      assert.ok(nx.authorities.some((a) => a.data.type === 'NSEC3'));
      const text = await axfrZoneFile(t().app.dns!.port, ZONE);
      assert.match(text, /\bNSEC3PARAM 1 0 0 -/);
      await checkSignedZone(text, ZONE, t().clock.now());
      await assert.rejects(checkSignedZone(text.replace('192.0.2.25', '192.0.2.26'), ZONE, t().clock.now()), /no valid signature/);
    });

    it('the KSK\'s DS reaches the registry by a job, with a result for the reseller', { skip }, async () => {
      await t().work();
      const ksk = (await dnskeys()).find((k) => k.data.type === 'DNSKEY' && k.data.flags === 257)!.data as Parameters<typeof dsOf>[1];
      const { type: _t, ...ds } = dsOf(ZONE, ksk);
      assert.deepEqual((await atRegistry(t(), ZONE))!.dnssec, { kind: 'ds', records: [ds] });
      const result = await t().app.deps.db.selectFrom('results').selectAll().where('request_type', '=', 'dnssec-ds').executeTakeFirstOrThrow();
      assert.equal(result.status, 'ack');
      assert.equal(result.object_name, ZONE);
      assert.equal(result.account_id, r.id);
      assert.match(result.content!, new RegExp(`ds: ${ds.keyTag} 13 2 ${ds.digest}`));
    });

    it('a key-data TLD (.de) gets the KSK as DNSKEY data; another reseller sees neither the zone nor the result', { skip }, async () => {
      const de = await newContact(t(), r.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678', fax: '+49.3012345679' });
      await registered(t(), r, 'signiert.de', { 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': '' });
      const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain: 'signiert.de', zone: '$dnssec=yes\nwww A 0 192.0.2.1 300' });
      assert.equal(put.code, 0, put.raw);
      await t().work();
      const ksk = (await ask('signiert.de', TYPE.DNSKEY)).answers.find((a) => a.data.type === 'DNSKEY' && a.data.flags === 257)!.data;
      assert.ok(ksk.type === 'DNSKEY');
      assert.deepEqual((await atRegistry(t(), 'signiert.de'))!.dnssec, { kind: 'key', records: [{ flags: 257, protocol: 3, algorithm: 13, publicKey: ksk.publicKey }] });
      const other = await t().reseller('dnssec-other');
      const list = await t().call('result-list', { 'auth-sid': other.sid });
      assert.doesNotMatch(list.body, /signiert\.de|dnssec-ds/);
      const refused = await t().call('dns-zone-put', { 'auth-sid': other.sid, domain: 'signiert.de', zone: '$dnssec=no' });
      assert.notEqual(refused.code, 0);
      assert.equal((await dnskeys()).length, 2, 'the first zone is untouched');
    });

    it('a change re-signs only what changed: the other RRsets keep their signatures', { skip }, async () => {
      const sigOf = async (name: string) => (await ask(name, TYPE.A)).answers.find((a) => a.data.type === 'RRSIG')!.data;
      const [www, mail] = [await sigOf(`www.${ZONE}`), await sigOf(`mail.${ZONE}`)];
      const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain: ZONE, zone: ZONE_TEXT.replace('192.0.2.25', '192.0.2.26') });
      assert.equal(put.code, 0, put.raw);
      assert.deepEqual(await sigOf(`www.${ZONE}`), www, 'ECDSA signatures are randomised: the same bytes come from the cache');
      assert.notDeepEqual(await sigOf(`mail.${ZONE}`), mail);
      await check();
      assert.equal((await t().call('dns-zone-put', { 'auth-sid': r.sid, domain: ZONE, zone: ZONE_TEXT })).code, 0);
    });

    it('signatures are renewed on the clock before they run out', { skip }, async () => {
      const before = await serial();
      const old = await axfrZoneFile(t().app.dns!.port, ZONE);
      t().clock.advance(DAY);
      assert.deepEqual(await steps(), [], 'nothing to do a day later');
      t().clock.advance(6 * DAY + 60_000);
      assert.deepEqual(await steps(), ['resigned']);
      assert.ok((await serial()) > before);
      // Eight days on the old signatures would have expired (14 days); the new ones hold.
      await assert.rejects(checkSignedZone(old, ZONE, t().clock.now() + 8 * DAY), /signature/);
      await check(t().clock.now() + 8 * DAY);
    });

    it('ZSK pre-publish rollover: published, then signing, then the old key goes; every version checks', { skip }, async () => {
      const [oldZsk] = await zskSigners();
      // ZSK lifetime 10 days, wait 1 day: the new key is published a wait before the old one's end.
      t().clock.advance(2 * DAY);
      assert.deepEqual(await steps(), ['zsk published']);
      assert.equal((await dnskeys()).length, 3);
      assert.deepEqual(await zskSigners(), [oldZsk], 'the published key does not sign yet');
      await check();
      t().clock.advance(DAY);
      assert.deepEqual(await steps(), ['zsk active']);
      const [newZsk] = await zskSigners();
      assert.notEqual(newZsk, oldZsk);
      assert.equal((await dnskeys()).length, 3, 'the old key stays published while its signatures may be cached');
      await check();
      t().clock.advance(DAY);
      assert.deepEqual(await steps(), ['zsk removed']);
      assert.deepEqual((await dnskeys()).map((k) => keyTag(k.data as Parameters<typeof keyTag>[0])).includes(oldZsk!), false);
      assert.equal((await dnskeys()).length, 2);
      await check();
    });

    it('KSK double-signature rollover: both KSKs sign the DNSKEY set, the DS changes at the registry, then the old KSK goes', { skip }, async () => {
      const oldDs = (await atRegistry(t(), ZONE))!.dnssec;
      assert.deepEqual(await startKskRollover(t().app.deps, ZONE, t().clock.now()), ['ksk published']);
      const sigs = (await ask(ZONE, TYPE.DNSKEY)).answers.filter((a) => a.data.type === 'RRSIG');
      assert.equal(sigs.length, 2, 'old and new KSK sign the DNSKEY RRset');
      await check();
      assert.deepEqual(await steps(), ['ksk ds queued']);
      await t().work();
      const newDs = (await atRegistry(t(), ZONE))!.dnssec;
      assert.notDeepEqual(newDs, oldDs);
      const zoneId = (await t().app.deps.db.selectFrom('zones').select('id').where('name', '=', ZONE).executeTakeFirstOrThrow()).id;
      const newest = (await zoneKeyRows(t().app.deps.db, zoneId)).filter((k) => k.role === 'ksk').at(-1)!;
      assert.equal(newDs?.kind === 'ds' && newDs.records[0]!.keyTag, dnskeyOf(openKey(t().app.deps.dnssecKek, newest)).publicKey && newest.key_tag);
      assert.deepEqual(await steps(), [], 'the old KSK stays until the new DS has had time to spread');
      t().clock.advance(DAY + 60_000);
      assert.deepEqual(await steps(), ['ksk old removed']);
      assert.equal((await dnskeys()).length, 2);
      await check();
    });

    it('$dnssec=no unwinds in the safe order: the DS leaves the registry first, the zone stays signed for the wait, then goes unsigned', { skip }, async () => {
      // Days have passed on the clock: the session is gone.
      const sid = await r.session('full');
      const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain: ZONE, zone: `$dnssec=no\n${ZONE_TEXT}` });
      assert.equal(put.code, 0, put.raw);
      assert.equal((await dnskeys()).length, 2, 'still signed while the DS may be at the parent');
      assert.deepEqual(await steps(), [], 'the DS removal is pending');
      await t().work();
      assert.equal((await atRegistry(t(), ZONE))!.dnssec, null);
      assert.deepEqual(await steps(), []);
      await check();
      t().clock.advance(DAY + 60_000);
      assert.deepEqual(await steps(), ['unsigned']);
      const key = await ask(ZONE, TYPE.DNSKEY);
      assert.deepEqual(key.answers, []);
      assert.deepEqual((await ask(`www.${ZONE}`, TYPE.A)).answers.map((a) => a.data.type), ['A']);
      const zoneId = (await t().app.deps.db.selectFrom('zones').select('id').where('name', '=', ZONE).executeTakeFirstOrThrow()).id;
      assert.deepEqual(await zoneKeyRows(t().app.deps.db, zoneId), [], 'the keys are gone');
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0, dnssecZskLifetime: 10 * 86400, dnssecRolloverWait: 86400 },
);
