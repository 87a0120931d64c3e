#!/usr/bin/env node
// The `dmapid` command. It runs the built JavaScript (`npm run build`, dist/) when that is newer
// than every source file, and otherwise the TypeScript sources through tsx's loader (a runtime
// dependency), so a checkout being edited never runs stale code. DMAPID_FROM_SOURCE=1 forces the
// sources.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/.built', root);

/** The newest modification time of the files under `dir` (0 when there is none). */
function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = process.env.DMAPID_FROM_SOURCE !== '1' && existsSync(stamp) && statSync(stamp).mtimeMs >= newest(new URL('src/', root));
if (built) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
