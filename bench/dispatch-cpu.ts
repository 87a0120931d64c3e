/**
 * `tsx bench/dispatch-cpu.ts [request] [count] [in-flight]`: CPU per request of the dispatcher
 * alone, in this process (no HTTP, no load generator), for a steadier figure than bench/reads.ts
 * on a busy machine and for profiling (`node --cpu-prof --import tsx bench/dispatch-cpu.ts …`).
 * The account and data are those of bench/reads.ts on a SQLite file (or BENCH_DATABASES=postgres).
 * Requests: query-profile (default), query-profile-key, dns-zone-get, query-domain-list.
 */
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { benchDatabase } from './databases.ts';
import { seedReads } from './reads-data.ts';

const [request = 'query-profile', countArg = '20000', inFlightArg = '50'] = process.argv.slice(2);
const count = Number(countArg);
const inFlight = Number(inFlightArg);
const data = await benchDatabase(process.env.BENCH_DATABASES ?? 'sqlite', 'dispatch');
const app = await createApp({ config: loadConfig({ DMAPID_DATABASE: data.url, DMAPID_LOG_LEVEL: 'warn', DMAPID_WORKER: 'off', DMAPID_DNS: 'off' }), handle: data.handle });
try {
  const seed = await seedReads(app.deps.db, async (name, params) => (await app.dispatcher.dispatch({ name, params, ip: '127.0.0.1' })).text);
  const params: Record<string, Record<string, string>> = {
    'query-profile': { 'auth-sid': seed.sid },
    'query-profile-key': { 'api-key': seed.key },
    'dns-zone-get': { 'auth-sid': seed.sid, domain: seed.zoneDomain },
    'query-domain-list': { 'auth-sid': seed.sid },
  };
  const p = params[request];
  if (!p) throw new Error(`unknown request ${request} (${Object.keys(params).join(', ')})`);
  const name = request.replace(/-key$/, '');
  for (let round = 1; round <= 3; round++) {
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let i = 0; i < count / inFlight; i++) {
          const out = await app.dispatcher.dispatch({ name, params: p, ip: '127.0.0.1' });
          if (!out.text.startsWith('Status-Code: 0\n')) throw new Error(out.text);
        }
      }),
    );
    const c = process.cpuUsage(c0);
    console.log(`${request} round ${round}: ${((c.user + c.system) / count).toFixed(1)} µs CPU per request (${count} requests, ${inFlight} in flight)`);
  }
} finally {
  await app.close();
  await data.handle.close();
  await data.drop();
}
