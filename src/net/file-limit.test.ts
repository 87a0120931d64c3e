import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLimitWarning, openFileLimit } from './file-limit.ts';

describe('open-file limit', () => {
  it('reads the soft limit from a limits file; unlimited or unreadable is no limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmapid-limits-'));
    try {
      const file = join(dir, 'limits');
      writeFileSync(file, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            400                  4096                 files\n');
      assert.equal(openFileLimit(file), 400);
      writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
      assert.equal(openFileLimit(file), undefined);
      assert.equal(openFileLimit(join(dir, 'missing')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when the caps of the listeners and the other files exceed the limit', () => {
    const caps = [['DMAPI', 1024], ['DNS TCP', 512]] as const;
    assert.equal(fileLimitWarning(caps, 1600), undefined);
    assert.equal(
      fileLimitWarning(caps, 1024),
      'the connection caps (DMAPI 1024 + DNS TCP 512) and about 64 other files exceed the open-file limit of 1024; lower DMAPID_HTTP_MAX_CONNECTIONS / DMAPID_DNS_TCP_MAX_CONNECTIONS or raise the limit (ulimit -n, LimitNOFILE)',
    );
    assert.equal(fileLimitWarning(caps, undefined), undefined);
  });
});
