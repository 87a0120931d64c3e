#!/usr/bin/env node
// `npm run build`: the TypeScript sources compiled to plain JavaScript in dist/ (or the directory
// given), with the data files the code reads beside its modules (tlds.json, default-prices.json),
// so `node dist/cli/main.js` and bin/dmapid.mjs run it without tsx.
import { cpSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist'));
// typescript's exports name its library, not its bin: tsc sits beside lib/.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript')), '..', 'bin', 'tsc');

rmSync(out, { recursive: true, force: true });
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

let copied = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!name.endsWith('.ts')) {
      cpSync(path, join(out, relative(join(root, 'src'), path)));
      copied++;
    }
  }
};
walk(join(root, 'src'));
// bin/dmapid.mjs runs dist only while it is newer than every source file (this stamp's time).
writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
console.log(`built ${relative(process.cwd(), out) || '.'}: JavaScript and ${copied} data files`);
