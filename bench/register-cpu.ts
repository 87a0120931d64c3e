/**
 * `tsx bench/register-cpu.ts [count] [in-flight]`: CPU per accepted domain-register of the
 * dispatcher alone (no HTTP, no worker running meanwhile), then per registration the worker
 * performs, in this process on a SQLite file (or BENCH_DATABASES=postgres): the steadier figure on
 * a busy machine, and the thing to profile (`node --cpu-prof --import tsx bench/register-cpu.ts`).
 */
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { benchDatabase } from './databases.ts';
import { ensureDemoAccount } from '../src/services/demo.ts';
import { topUp } from '../src/billing/ledger.ts';

const [countArg = '2000', inFlightArg = '20'] = process.argv.slice(2);
const count = Number(countArg);
const inFlight = Number(inFlightArg);
const data = await benchDatabase(process.env.BENCH_DATABASES ?? 'sqlite', 'register-cpu');
const app = await createApp({ config: loadConfig({ DMAPID_DATABASE: data.url, DMAPID_LOG_LEVEL: 'warn', DMAPID_WORKER: 'off', DMAPID_DNS: 'off' }), handle: data.handle });
const call = async (name: string, params: Record<string, string>) => {
  const out = await app.dispatcher.dispatch({ name, params, ip: '127.0.0.1' });
  if (!out.text.startsWith('Status-Code: 0\n')) throw new Error(out.text);
  return out.text;
};
try {
  await ensureDemoAccount(app.deps.db, app.deps.clock.now());
  const account = await app.deps.db.selectFrom('accounts').select('id').where('login', '=', 'demo').executeTakeFirstOrThrow();
  await app.deps.db.transaction().execute((trx) => topUp(trx, { accountId: account.id, amount: (count * 3 + 10) * 1200, now: app.deps.clock.now(), note: 'bench' }));
  const sid = /^Auth-Sid: (\S+)$/m.exec(await call('login', { username: 'demo', password: 'demo' }))![1]!;
  const contact = await call('contact-create', { 'auth-sid': sid, tld: 'com', name: 'Bench Owner', email: 'bench@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
  await app.worker.runUntilIdle();
  const handle = /^Object-Name: (\S+)$/m.exec(await call('result-retrieve', { 'auth-sid': sid, 'proc-id': /^Proc-ID: (\d+)$/m.exec(contact)![1]! }))![1]!;
  let n = 0;
  for (let round = 1; round <= 3; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let i = 0; i < count / inFlight; i++) {
          const domain = `bench-${round}-${n++}.com`;
          await call('domain-register', { 'auth-sid': sid, domain, period: '12', status: 'production', 'owner-c': handle, 'admin-c': handle, 'tech-c': handle, 'billing-c': handle, 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });
        }
      }),
    );
    const accept = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    const w0 = process.cpuUsage();
    await app.worker.runUntilIdle();
    const work = process.cpuUsage(w0);
    console.log(`round ${round}: accept ${((accept.user + accept.system) / count).toFixed(0)} µs CPU per request (${(count / (wall / 1000)).toFixed(0)} accepted/s in this process), worker ${((work.user + work.system) / count).toFixed(0)} µs CPU per registration`);
  }
} finally {
  await app.close();
  await data.drop();
}
