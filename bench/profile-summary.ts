/**
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top] [from-function]`: where a V8 CPU profile
 * (node --cpu-prof, e.g. from BENCH_PROFILE in bench/reads.ts) spends its time, counting from the
 * first sample with `from-function` on its stack (default `dispatchTo`, which leaves start-up
 * out): self time by function and by
 * package or source folder, and total (inclusive) time of the project's own functions, as shares
 * of the busy (non-idle) samples.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, from = 'dispatchTo'] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stack = (leaf: number) => {
  const out: Node[] = [];
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) out.push(byId.get(id)!);
  return out;
};
const start = profile.samples.findIndex((id) => stack(id).some((n) => n.callFrame.functionName === from));
if (start < 0) throw new Error(`no sample has ${from} on its stack`);
const samples = profile.samples.slice(start);
const deltas = profile.timeDeltas.slice(start);

const self = new Map<number, number>();
samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));

/** Where a frame's code lives: a package under node_modules, a src/ folder, or node's own. */
function place(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src\/[^/]+|bench)\//.exec(url);
  if (src) return src[1]!;
  return url.startsWith('node:') ? 'node' : url ? url : '(native/gc)';
}

const nameOf = (n: Node) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${place(url)}${url ? `:${lineNumber + 1}` : ''}`;
};

const fns = new Map<string, number>();
const places = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const { functionName, url } = byId.get(id)!.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  busy += us;
  const where = place(url);
  const fn = nameOf(byId.get(id)!);
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  places.set(where, (places.get(where) ?? 0) + us);
}
// Each sample counts once for every distinct project function on its stack.
const total = new Map<string, number>();
samples.forEach((leaf, i) => {
  const seen = new Set<string>();
  for (const n of stack(leaf)) {
    if (/\/(src|bench)\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')) seen.add(nameOf(n));
  }
  for (const fn of seen) total.set(fn, (total.get(fn) ?? 0) + (deltas[i] ?? 0));
});
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy`);
show('self time by package / folder', places);
show('self time by function', fns);
show('total time of project functions (with what they call)', total);
