/**
 * The registration measurement the benchmarks share, against one running dmapid (`base`, a
 * reseller `demo`/`demo` with enough money, its worker on):
 *
 * 1. BENCH_SEQUENTIAL registrations one after the other: time to the Proc-ID reply and time
 *    until result-retrieve says `ack` (polled every 2 ms).
 * 2. BENCH_REGISTRATIONS of distinct names with BENCH_CONCURRENCY in flight: requests accepted
 *    per second with accept-latency percentiles, then registrations per second until all acked.
 */
export interface RegistrationFigures {
  ackP50: number;
  ackP99: number;
  acceptedPerSecond: number;
  registrationsPerSecond: number;
  failed: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => x.toFixed(1).padStart(7);
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

export async function measureRegistrations(base: string, o: { sequential: number; total: number; concurrency: number; prefix: string }): Promise<RegistrationFigures> {
  const call = async (name: string, params: Record<string, string>) => {
    const res = await fetch(`${base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) });
    const text = await res.text();
    const header = (h: string) => new RegExp(`^${h}: (.*)$`, 'm').exec(text.slice(0, text.indexOf('\n\n')))?.[1];
    return { text, code: Number(header('Status-Code')), header };
  };
  const login = await call('login', { username: 'demo', password: 'demo' });
  const sid = login.header('Auth-Sid');
  if (!sid) throw new Error(`login failed:\n${login.text}`);
  const until = async (procId: string): Promise<string> => {
    for (;;) {
      const r = await call('result-retrieve', { 'auth-sid': sid, 'proc-id': procId });
      const status = /^Completion-Status: (\S+)$/m.exec(r.text)?.[1];
      if (status === 'ack' || status === 'nack') return status;
      await sleep(2);
    }
  };
  const contact = await call('contact-create', { 'auth-sid': sid, tld: 'com', name: 'Bench Owner', email: 'bench@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
  const cproc = contact.header('Proc-ID')!;
  if ((await until(cproc)) !== 'ack') throw new Error('contact-create failed');
  const handle = /^Object-Name: (\S+)$/m.exec((await call('result-retrieve', { 'auth-sid': sid, 'proc-id': cproc })).text)![1]!;
  const register = (name: string) =>
    call('domain-register', { 'auth-sid': sid, domain: name, period: '12', status: 'production', 'owner-c': handle, 'admin-c': handle, 'tech-c': handle, 'billing-c': handle, 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });

  const accept: number[] = [];
  const acked: number[] = [];
  for (let i = 0; i < o.sequential; i++) {
    const t0 = performance.now();
    const r = await register(`${o.prefix}seq-${i}-${Date.now().toString(36)}.com`);
    if (r.code !== 0) throw new Error(`domain-register refused:\n${r.text}`);
    const t1 = performance.now();
    if ((await until(r.header('Proc-ID')!)) !== 'ack') throw new Error(`registration ${i} was not acked`);
    accept.push(t1 - t0);
    acked.push(performance.now() - t0);
  }
  console.log(`\n${o.sequential} sequential registrations (ms)      p50     p90     p99     max`);
  console.log(`  request → Proc-ID             ${ms(pct(accept, 50))} ${ms(pct(accept, 90))} ${ms(pct(accept, 99))} ${ms(Math.max(...accept))}`);
  console.log(`  request → result ack          ${ms(pct(acked, 50))} ${ms(pct(acked, 90))} ${ms(pct(acked, 99))} ${ms(Math.max(...acked))}`);

  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.total) {
        const i = next++;
        const s = performance.now();
        const r = await register(`${o.prefix}burst-${i}.com`);
        latencies.push(performance.now() - s);
        if (r.code !== 0) refused++;
      }
    }),
  );
  const acceptSeconds = (performance.now() - t0) / 1000;
  let pending = Infinity;
  while (pending > 0) {
    const r = await call('result-list', { 'auth-sid': sid, status: '?', 'count-only': '1', rtype: 'domain-register' });
    pending = Number(/Records: (\d+)/.exec(r.text)?.[1] ?? NaN);
    if (pending > 0) await sleep(20);
  }
  const drainSeconds = (performance.now() - t0) / 1000;
  const ack = Number(/Records: (\d+)/.exec((await call('result-list', { 'auth-sid': sid, status: 'ack', 'count-only': '1', rtype: 'domain-register', objid: `${o.prefix}burst-*` })).text)?.[1]);
  const acceptedPerSecond = (o.total - refused) / acceptSeconds;
  console.log(`\n${o.total} registrations, ${o.concurrency} in flight`);
  console.log(`  accepted: ${acceptedPerSecond.toFixed(0)} requests/s (${o.total - refused} in ${acceptSeconds.toFixed(2)} s, ${refused} refused); accept latency p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`);
  console.log(`  all acked ${drainSeconds.toFixed(2)} s after the first request: ${(ack / drainSeconds).toFixed(0)} registrations/s end to end (${ack} ack)`);
  return { ackP50: pct(acked, 50), ackP99: pct(acked, 99), acceptedPerSecond, registrationsPerSecond: ack / drainSeconds, failed: refused + (o.total - ack) };
}
