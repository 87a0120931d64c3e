import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DbHandle } from '../db/database.ts';
import { dmapid } from '../../test/helpers/cli.ts';

/** The operator CLI as a separate process on a temporary SQLite database. */
describe('dmapid price / promo / account credit (CLI)', () => {
  let dir = '';
  let database = '';
  const run = (...args: string[]) => dmapid(database, args);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    assert.equal(r.code, 0, `dmapid ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const withDb = async <T>(fn: (h: DbHandle) => Promise<T>): Promise<T> => {
    const h = openDatabase(database);
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dmapid-billing-cli-'));
    database = join(dir, 'db.sqlite');
    await ok('account', 'create', 'alice', '--email', 'alice@example.com');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tops up through the ledger (credit-increase), debits after --, and refuses debits beyond the balance', async () => {
    assert.equal(await ok('account', 'credit', 'alice', '25.50', '--note', 'wire 4711'), 'balance of alice: 25.50 USD (order 1)\n');
    assert.equal(await ok('account', 'credit', 'alice', '--', '-5'), 'balance of alice: 20.50 USD (order 2)\n');
    const refused = await run('account', 'credit', 'alice', '--', '-20.51');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'dmapid: insufficient funds for the debit (20.51 USD needed, 20.50 USD available)\n');
    await withDb(async ({ db }) => {
      const orders = await db.selectFrom('orders').select(['type', 'amount_brutto', 'currency']).orderBy('id').execute();
      assert.deepEqual(orders, [
        { type: 'credit-increase', amount_brutto: -2550, currency: 'USD' },
        { type: 'credit-decrease', amount_brutto: 500, currency: 'USD' },
      ]);
      const ledger = await db.selectFrom('ledger').select(['kind', 'amount', 'balance_after', 'note']).orderBy('id').execute();
      assert.deepEqual(ledger, [
        { kind: 'topup', amount: 2550, balance_after: 2550, note: 'wire 4711' },
        { kind: 'debit', amount: -500, balance_after: 2050, note: '' },
      ]);
      const a = await db.selectFrom('accounts').select('balance').where('login', '=', 'alice').executeTakeFirstOrThrow();
      assert.equal(a.balance, 2050);
    });
  });

  it('sets, lists and deletes prices', async () => {
    assert.equal(await ok('price', 'set', '.COM', 'create', '9.99', '--currency', 'usd'), 'price of create .com: 9.99 USD per year, 1-10 years\n');
    assert.equal(await ok('price', 'set', 'example', 'renew', '20', '--years', '2-5', '--tld-currency', 'EUR'), 'price of renew .example: 20.00 USD per year, 2-5 years\n');
    assert.equal(await ok('price', 'set', 'example', 'rgp', '50', '--years', '1-10'), 'price of restore .example: 50.00 USD (flat fee)\n');
    assert.equal(await ok('price', 'list', '--tld', 'example'), 'tld\toperation\tcurrency\tper_year\tyears\ttld_currency\nexample\trenew\tUSD\t20.00\t2-5\tEUR\nexample\trestore\tUSD\t50.00\t1-1\tUSD\n');
    assert.equal(await ok('price', 'delete', 'example'), 'deleted 2 prices of .example\n');
    assert.equal((await run('price', 'delete', 'example')).stderr, 'dmapid: no matching price for .example\n');
    assert.equal(await ok('price', 'list', '--tld', 'example'), 'no prices match\n');
    assert.equal((await run('price', 'set', 'com', 'park', '1')).stderr, 'dmapid: operation park: one of create, renew, transfer, restore (rgp), trustee, privacy-basic, privacy-pro\n');
  });

  it('exports prices as a file that import reads back, and restores the shipped defaults', async () => {
    const exported = await ok('price', 'export');
    const file = JSON.parse(exported) as Record<string, { prices: Record<string, Record<string, string>> }>;
    assert.equal(file['com']!.prices['USD']!['create'], '9.99');
    const listed = await ok('price', 'list');
    // Change the file: a new TLD, and drop one; --replace makes the table exactly the file.
    delete file['xxx'];
    file['example'] = { tldCurrency: 'USD', years: [1, 2], prices: { USD: { create: '3.00', rgp: '40.00' } } } as never;
    const path = join(dir, 'prices.json');
    writeFileSync(path, JSON.stringify(file));
    assert.match(await ok('price', 'import', path, '--replace'), /^imported \d+ prices \(table replaced\)\n$/);
    const after = await ok('price', 'list');
    assert.ok(!after.includes('xxx\t'));
    assert.ok(after.includes('example\tcreate\tUSD\t3.00\t1-2\tUSD\nexample\trestore\tUSD\t40.00\t1-1\tUSD\n'));
    assert.equal(after.split('\n').filter((l) => !l.startsWith('example')).join('\n'), listed.split('\n').filter((l) => !l.startsWith('xxx')).join('\n'));
    // The shipped defaults come back without a file (without --replace, extra prices stay).
    await ok('price', 'import');
    const restored = await ok('price', 'list', '--currency', 'USD');
    assert.ok(restored.includes('\ncom\tcreate\tUSD\t11.25\t1-10\tUSD\n'));
    assert.ok(restored.includes('\nxxx\tcreate\tUSD\t99.00\t1-10\tUSD\n'));
    assert.ok(restored.includes('\nexample\tcreate\tUSD\t3.00\t1-2\tUSD\n'), 'import without --replace keeps other prices');
    writeFileSync(path, JSON.stringify({ com: { tldCurrency: 'USD', years: [1, 10], prices: { USD: { create: 'free' } } } }));
    assert.match((await run('price', 'import', path)).stderr, /com\.prices\.USD\.create: free is not an amount in USD/);
  });

  it('adds, lists, imports, exports and deletes promos, and quotes with them', async () => {
    const out = await ok('promo', 'set', 'com', 'create', '5', '--from', '2000-01-01', '--to', '2099-12-31', '--min', '1', '--max', '3', '--note', 'spring');
    assert.equal(out, 'promo 1: 1\tcom\tcreate\tUSD\t5.00\t1-3\tflex\t2000-01-01T00:00:00.000Z\t2099-12-31T23:59:59.000Z\tspring\n');
    await ok('promo', 'set', 'org', 'renew', '15', '--from', '2000-01-01', '--to', '2099-01-01T12:00:00Z', '--min', '2', '--exact');
    assert.match((await run('promo', 'set', 'org', 'delete', '1', '--from', '2000-01-01', '--to', '2001-01-01')).stderr, /operation: one of create, renew, transfer/);
    const file = join(dir, 'promos.json');
    writeFileSync(file, JSON.stringify([{ tld: 'net', operation: 'transfer', currency: 'EUR', price: '1.90', minPeriod: 1, periodType: 'flex', validFrom: '2000-01-01', validTo: '2099-12-31', note: 'from file' }]));
    assert.equal(await ok('promo', 'import', file), 'imported 1 promo\n');
    const list = await ok('promo', 'list');
    assert.deepEqual(
      list.trim().split('\n').map((l) => l.split('\t').slice(1, 7).join(' ')),
      ['tld operation currency price years period_type', 'com create USD 5.00 1-3 flex', 'net transfer EUR 1.90 1-1 flex', 'org renew USD 15.00 2-2 exact'],
    );
    const exported = JSON.parse(await ok('promo', 'export')) as Array<{ tld: string; price: string; validTo: string }>;
    assert.deepEqual(exported.map((p) => [p.tld, p.price]), [['com', '5.00'], ['net', '1.90'], ['org', '15.00']]);
    assert.equal(exported[2]!.validTo, '2099-01-01T12:00:00.000Z');

    assert.equal(
      await ok('price', 'quote', 'alice', 'com', 'create', '--period', '24'),
      ['operation: create .com, 24 months', 'retail: 22.50 USD', 'standard: 22.50 USD (rebate 0 %)', 'netto: 10.00 USD (promo 1, flex)', 'vat: 0.00 USD (rate 0)', 'brutto: 10.00 USD', ''].join('\n'),
    );
    assert.match((await run('price', 'quote', 'alice', 'com', 'create', '--period', '13')).stderr, /^dmapid: invalid 'period' \(13 months is not offered/);
    assert.equal(await ok('promo', 'delete', '1'), 'promo 1 deleted\n');
    assert.equal((await run('promo', 'delete', '1')).stderr, 'dmapid: no promo 1\n');
  });

  it('shows the VAT table and sets the home country', async () => {
    const out = await ok('price', 'vat', '--home', 'at');
    assert.ok(out.startsWith('home: AT\nAT\t0.2\nBE\t0.21\n'));
    assert.ok(out.includes('\nDE\t0.19\n'));
    assert.match((await run('price', 'vat', '--home', 'Austria')).stderr, /Austria is not a two-letter country code/);
  });
});
