import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, performed, registered } from '../helpers/domain-fixtures.ts';

/** Values echoed into line-oriented replies cannot forge lines or shift fields. */
forEachDatabase('line injection', (t) => {
  it('refuses a cltrid that would forge a result-list line or add fields, and keeps every line at 7 fields', async () => {
    const r = await domainReseller(t(), 'inj-alice');
    await registered(t(), r, 'inj-alice.com', { cltrid: 'reg-1' });
    const before = await t().call('result-list', { 'auth-sid': r.sid });
    for (const cltrid of ['x\n20261203000000 forged 999 domain-delete victim.com ack -', 'a b c', 'tab\there', 'cr\r', 'x'.repeat(65)]) {
      const res = await t().call('domain-modify', { 'auth-sid': r.sid, domain: 'inj-alice.com', 'registrar-tag': 'T1', cltrid });
      assert.equal(res.code, 2005, JSON.stringify(cltrid));
      assert.equal(res.get('Proc-ID'), undefined);
      assert.match(res.all('Error').join('|'), /invalid 'cltrid'/);
    }
    const after = await t().call('result-list', { 'auth-sid': r.sid });
    assert.equal(after.body, before.body, 'no refused request left a result');
    const ok = await performed(t(), r.sid, 'domain-modify', { domain: 'inj-alice.com', 'registrar-tag': 'T2', cltrid: 'x'.repeat(64) });
    assert.equal(ok.status, 'ack');
    const list = await t().call('result-list', { 'auth-sid': r.sid });
    const lines = list.body.trim().split('\n');
    assert.equal(Number(list.get('Row-Count')), lines.length);
    for (const line of lines) assert.equal(line.split(' ').length, 7, line);
    assert.ok(lines.some((l) => l.endsWith(` ${'x'.repeat(64)}`)));
  });

  it('refuses line breaks and tabs in any parameter, so query-whois keeps one domain.status line', async () => {
    const r = await domainReseller(t(), 'inj-bob');
    await registered(t(), r, 'inj-bob.com');
    for (const tag of ['MEMBER\ndomain.status: deleted', 'MEMBER\rX', 'MEMBER\tX']) {
      const res = await t().call('domain-modify', { 'auth-sid': r.sid, domain: 'inj-bob.com', 'registrar-tag': tag });
      assert.equal(res.code, 2005);
      assert.deepEqual(res.all('Error'), ["invalid 'registrar-tag' (must not contain control characters such as line breaks or tabs)"]);
    }
    const whois = await t().call('query-whois', { 'auth-sid': r.sid, domain: 'inj-bob.com' });
    assert.equal(whois.code, 0);
    assert.equal(whois.body.split('\n').filter((l) => l.startsWith('domain.status:')).length, 1);
    // An unknown parameter is checked as well: it could be read as an open-ended field.
    const extra = await t().call('query-profile', { 'auth-sid': r.sid, 'x-note': 'a\nb' });
    assert.equal(extra.code, 2005);
    assert.deepEqual(extra.all('Error'), ["invalid 'x-note' (must not contain control characters such as line breaks or tabs)"]);
  });

  it('still takes a zone of several lines with tabs between the fields', async () => {
    const r = await domainReseller(t(), 'inj-carol');
    await registered(t(), r, 'inj-carol.com');
    const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain: 'inj-carol.com', zone: 'www\tA\t0\t192.0.2.1\t3600\r\nmail A 0 192.0.2.2 3600\n' });
    assert.equal(put.code, 0, put.raw);
    const zone = await t().call('dns-zone-get', { 'auth-sid': r.sid, domain: 'inj-carol.com' });
    assert.match(zone.body, /^www A 0 192\.0\.2\.1 3600$/m);
    assert.match(zone.body, /^mail A 0 192\.0\.2\.2 3600$/m);
  });
});
