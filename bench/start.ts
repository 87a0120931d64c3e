/**
 * `npm run bench:start`: how long `dmapid serve` takes from spawn to its first answered DMAPI
 * request (a login), for the built JavaScript (`npm run build`, dist/) and for the TypeScript
 * sources through tsx, on a fresh SQLite database each time and on one already migrated.
 * Target (issue 15): the built JavaScript answers within 1 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root, start, stop } from './spawn.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 1000;

const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

async function once(entry: string[], db: string): Promise<number> {
  const t0 = performance.now();
  const env = { DMAPID_DATABASE: db, DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_METRICS: 'off', DMAPID_WHOIS: 'off', DMAPID_LOG_LEVEL: 'warn' };
  const { child, match } = await start([...entry, 'serve', '--demo'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
  const res = await fetch(`${match[1]}/request/login?username=demo&password=demo`);
  if (!/^Status-Code: 0$/m.test(await res.text())) throw new Error('login failed');
  const ms = performance.now() - t0;
  await stop(child);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const entries: Array<[string, string[]]> = [
  ['built JavaScript', [join(root, 'dist', 'cli', 'main.js')]],
  ['TypeScript via tsx', ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts')]],
];
console.log(`spawn → first answered login, ms (${RUNS} runs each; min / median / max); target: built JavaScript ≤ ${TARGET_MS} ms`);
for (const [label, entry] of entries) {
  for (const fresh of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
    const db = join(dir, 'start.sqlite');
    if (!fresh) await once(entry, db);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (fresh) rmSync(join(dir, 'start.sqlite'), { force: true });
      times.push(await once(entry, db));
    }
    rmSync(dir, { recursive: true, force: true });
    const m = median(times);
    const verdict = label.startsWith('built') ? (m <= TARGET_MS ? 'ok' : 'MISSED') : '';
    console.log(`${label.padEnd(20)} ${fresh ? 'new database     ' : 'migrated already '} ${Math.min(...times).toFixed(0)} / ${m.toFixed(0)} / ${Math.max(...times).toFixed(0)}  ${verdict}`);
  }
}
