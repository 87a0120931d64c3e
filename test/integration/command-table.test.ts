import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { commands } from '../../src/dmapi/commands/index.ts';
import { buildCommandTable } from '../../src/dmapi/command-table.ts';
import { generatedFiles, paramList } from '../../src/dmapi/docs.ts';
import { errorCatalogue } from '../../src/dmapi/errors.ts';
import type { Command } from '../../src/dmapi/command.ts';

describe('the command table', () => {
  it('has unique names and aliases, looked up case-insensitively', () => {
    const table = buildCommandTable();
    for (const c of commands) {
      assert.equal(table.lookup(c.name.toUpperCase()), c);
      for (const a of c.aliases ?? []) assert.equal(table.lookup(a), c);
    }
    assert.throws(() => buildCommandTable([commands[0]!, commands[0]!]), /declared twice/);
  });

  it('names every request in kebab-case and gives it a file of the same name', () => {
    for (const c of commands) {
      assert.match(c.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(existsSync(`src/dmapi/commands/${c.name}.ts`), `src/dmapi/commands/${c.name}.ts`);
    }
  });

  it('has a test file for every request', () => {
    const missing = commands.filter((c) => !existsSync(`src/dmapi/commands/${c.name}.test.ts`)).map((c) => c.name);
    assert.deepEqual(missing, [], `requests without tests: ${missing.join(', ')}`);
  });

  it('declares only catalogue errors and documents a summary for each request', () => {
    for (const c of commands as readonly Command[]) {
      for (const e of c.errors) assert.ok(e in errorCatalogue, `${c.name}: ${e}`);
      assert.ok(c.summary.length > 10, `${c.name} needs a summary`);
      assert.ok(['read', 'modify', 'costs'].includes(c.access), `${c.name} access`);
    }
  });

  it('only lets requests without a session be read requests', () => {
    for (const c of commands) if (c.session === 'none') assert.equal(c.access, 'read', c.name);
  });

  it('takes parameters through object schemas that the docs can list', () => {
    for (const c of commands) {
      const shape = (c.params as unknown as { shape?: unknown }).shape;
      assert.ok(shape, `${c.name}: params must be a z.object (optionally refined)`);
      for (const p of paramList(c.params)) assert.equal(p.name, p.name.toLowerCase(), `${c.name}: parameter ${p.name} must be lowercase`);
    }
  });

  it('keeps the generated docs and the client name list in step (run `npm run docs`)', () => {
    for (const [path, content] of Object.entries(generatedFiles(commands))) {
      assert.ok(existsSync(path), `${path} is missing: run npm run docs`);
      const lines = readFileSync(path, 'utf8').split('\n');
      const want = content.split('\n');
      const at = want.findIndex((line, i) => line !== lines[i]);
      // Report the first differing line, not two whole documents.
      assert.ok(at < 0 && lines.length === want.length, `${path} is stale (line ${at + 1}: ${JSON.stringify(lines[at])} should be ${JSON.stringify(want[at])}): run npm run docs`);
    }
  });
});
