import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The published EPP schemas (test/fixtures/epp-xsd/, see its README) behind one driver schema. */
export const EPP_SCHEMA = join(import.meta.dirname, '..', 'fixtures', 'epp-xsd', 'all.xsd');

/**
 * Validates EPP frames with `xmllint --schema` (Debian libxml2-utils) in one run; returns
 * the complaints per frame (empty arrays when valid).
 */
export function xsdProblems(frames: readonly string[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'epp-xsd-'));
  try {
    const files = frames.map((xml, i) => {
      const f = join(dir, `frame-${i}.xml`);
      writeFileSync(f, xml);
      return f;
    });
    const run = spawnSync('xmllint', ['--noout', '--schema', EPP_SCHEMA, ...files], { encoding: 'utf8' });
    if (run.error) throw run.error;
    const out = (run.stderr ?? '') + (run.stdout ?? '');
    return files.map((f) => out.split('\n').filter((l) => l.startsWith(f) && !l.endsWith(' validates')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws with xmllint's words when any frame is invalid. */
export function assertValidEpp(frames: readonly string[]): void {
  const problems = xsdProblems(frames);
  const bad = problems.map((p, i) => ({ p, i })).filter((x) => x.p.length > 0);
  if (bad.length) throw new Error(bad.map((x) => `frame ${x.i}:\n${x.p.join('\n')}\n${frames[x.i]}`).join('\n\n'));
}
