/** The data of the read benchmarks (reads.ts, dispatch-cpu.ts): one account, its domains, one zone. */
import type { Db } from '../src/db/database.ts';
import { createAccount, createApiKey } from '../src/services/accounts.ts';
import { DAY } from '../src/core/clock.ts';

export const READ_DOMAINS = Number(process.env.BENCH_DOMAINS ?? 100);
export const ZONE_RECORDS = 50;

export interface ReadsSeed {
  sid: string;
  key: string;
  zoneDomain: string;
}

/**
 * Creates account `bench` (password bench-secret, a full-scope API key) with READ_DOMAINS domains
 * straight in the database, then logs in and puts a zone of ZONE_RECORDS records through `call`
 * (DMAPI, answering the reply text), and checks that query-domain-list lists every domain.
 */
export async function seedReads(db: Db, call: (name: string, params: Record<string, string>) => Promise<string>): Promise<ReadsSeed> {
  const now = Date.now();
  const account = await createAccount(db, { login: 'bench', email: 'bench@example.org', password: 'bench-secret', balance: 100_000 }, now);
  const { key } = await createApiKey(db, account.id, 'full', 'bench', now);
  const names = Array.from({ length: READ_DOMAINS }, (_, i) => `bench-${String(i).padStart(4, '0')}.com`);
  for (let i = 0; i < names.length; i += 100) {
    await db
      .insertInto('domains')
      .values(names.slice(i, i + 100).map((name) => ({ account_id: account.id, name, tld: 'com', created_at: now, expires_at: now + 365 * DAY, updated_at: now, autorenew: 0, locked: 0 })))
      .execute();
  }
  const ok = async (name: string, params: Record<string, string>) => {
    const text = await call(name, params);
    if (!text.startsWith('Status-Code: 0\n')) throw new Error(`${name} failed:\n${text}`);
    return text;
  };
  const sid = /^Auth-Sid: (\S+)$/m.exec(await ok('login', { username: 'bench', password: 'bench-secret' }))![1]!;
  const zone = Array.from({ length: ZONE_RECORDS }, (_, i) => `host${i} A 0 192.0.2.${i + 1} 3600`).join('\n');
  await ok('dns-zone-put', { 'auth-sid': sid, domain: names[0]!, zone });
  const listed = await ok('query-domain-list', { 'auth-sid': sid });
  if (listed.slice(listed.indexOf('\n\n') + 2).split('\n').length !== READ_DOMAINS) throw new Error(`query-domain-list does not list ${READ_DOMAINS} domains:\n${listed}`);
  return { sid, key, zoneDomain: names[0]! };
}
