import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/dmapid.mjs`;

/** The names under "Commands:" in a --help text. */
async function commandsOf(...path: string[]): Promise<string[]> {
  const { stdout } = await run(bin, [...path, '--help']);
  const at = stdout.indexOf('\nCommands:\n');
  if (at < 0) return [];
  return [...stdout.slice(at).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

it('the README\'s operator CLI table names every command --help shows', async () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Operator CLI'), readme.indexOf('\n## ', readme.indexOf('## Operator CLI') + 1));
  const missing: string[] = [];
  for (const top of await commandsOf()) {
    const subs = await commandsOf(top);
    for (const name of subs.length ? subs.map((s) => `${top} ${s}`) : [top]) {
      if (!section.includes(`\`${name}`)) missing.push(name);
    }
  }
  assert.deepEqual(missing, []);
});
