import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('webhook-create', (t) => {
  it('makes a secret and shows it once; a given secret is never shown back', async () => {
    const r = await t().reseller('wc-alice');
    const made = await t().call('webhook-create', { 'auth-sid': r.sid, url: 'https://hooks.example.com/dmapid', description: 'main shop' });
    assert.equal(made.code, 0, made.raw);
    assert.ok(made.get('Proc-ID'), 'a modifying request with a result');
    const id = /^webhook-id: (\d+)$/m.exec(made.body)?.[1];
    assert.ok(id);
    assert.match(made.body, /^url: https:\/\/hooks\.example\.com\/dmapid$/m);
    const secret = /^secret: (whsec_[0-9a-f]{48})$/m.exec(made.body)?.[1];
    assert.ok(secret, made.body);
    const given = await t().call('webhook-create', { 'auth-sid': r.sid, url: 'http://127.0.0.1:9/x', secret: 'my-own-secret-0123456789' });
    assert.equal(given.code, 0, given.raw);
    assert.doesNotMatch(given.body, /secret|my-own/);
    const list = await t().call('webhook-list', { 'auth-sid': r.sid });
    assert.doesNotMatch(list.raw, new RegExp(`${secret}|my-own-secret`));
    const result = await t().call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': made.get('Proc-ID')! });
    assert.doesNotMatch(result.raw, /whsec_/, 'the secret is not kept in the result either');
  });

  it('refuses URLs other than http(s), credentials in the URL, and short secrets', async () => {
    const r = await t().reseller('wc-bad');
    for (const url of ['ftp://hooks.example.com/', 'not a url', 'https://user:pw@hooks.example.com/', 'file:///etc/passwd']) {
      const res = await t().call('webhook-create', { 'auth-sid': r.sid, url });
      assert.equal(res.code, 2005, `${url}: ${res.raw}`);
    }
    assert.equal((await t().call('webhook-create', { 'auth-sid': r.sid, url: 'https://a.example/', secret: 'short' })).code, 2004);
    assert.equal((await t().call('webhook-create', { 'auth-sid': r.sid })).code, 2003);
    assert.equal((await t().call('webhook-list', { 'auth-sid': r.sid })).get('Row-Count'), '0', 'nothing was created');
  });

  it('allows ten endpoints per account', async () => {
    const r = await t().reseller('wc-many');
    for (let i = 0; i < 10; i++) assert.equal((await t().call('webhook-create', { 'auth-sid': r.sid, url: `https://h${i}.example/` })).code, 0);
    const eleventh = await t().call('webhook-create', { 'auth-sid': r.sid, url: 'https://h10.example/' });
    assert.equal(eleventh.code, 2308);
    assert.match(eleventh.get('Error') ?? '', /at most 10 webhooks/);
  });

  it('is refused to read-only keys and allowed to modify-only keys (it never costs money)', async () => {
    const r = await t().reseller('wc-scopes');
    const ro = await t().call('webhook-create', { 'auth-sid': await r.session('read-only'), url: 'https://ro.example/' });
    assert.equal(ro.code, 2201, ro.raw);
    const mo = await t().call('webhook-create', { 'auth-sid': await r.session('modify-only'), url: 'https://mo.example/' });
    assert.equal(mo.code, 0, mo.raw);
    assert.equal((await t().call('webhook-list', { 'auth-sid': r.sid })).get('Row-Count'), '1');
  });
});
