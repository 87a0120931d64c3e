import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnssecKek, seal, unseal } from './dnssec-keys.ts';

describe('DNSSEC key sealing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-kek-'));
  const secret = Buffer.from('a server secret of at least thirty-two characters');

  it('takes the KEK from DMAPID_DNSSEC_KEY_FILE (64 hex digits) or derives it from the server secret', () => {
    const file = join(dir, 'dnssec.key');
    writeFileSync(file, `${'ab'.repeat(32)}\n`);
    assert.deepEqual(dnssecKek({ dnssecKeyFile: file }, secret), Buffer.alloc(32, 0xab));
    const derived = dnssecKek({}, secret);
    assert.equal(derived.length, 32);
    assert.deepEqual(dnssecKek({}, secret), derived, 'the same secret gives the same KEK on every node');
    assert.notDeepEqual(dnssecKek({}, Buffer.from('another secret of at least thirty-two characters')), derived);
    assert.notDeepEqual(derived.subarray(0, secret.length), secret.subarray(0, 32), 'not the secret itself');
    writeFileSync(file, 'too short\n');
    assert.throws(() => dnssecKek({ dnssecKeyFile: file }, secret), /expected 64 hex digits/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('seals with AES-256-GCM: opens with the same KEK, zone and role only; a changed byte fails', () => {
    const kek = Buffer.alloc(32, 7);
    const plain = Buffer.from('a PKCS#8 private key');
    const sealed = seal(kek, 42, 'zsk', plain);
    assert.ok(!Buffer.from(sealed, 'base64').includes(plain), 'the stored form does not contain the key');
    assert.notEqual(seal(kek, 42, 'zsk', plain), sealed, 'a fresh nonce each time');
    assert.deepEqual(unseal(kek, 42, 'zsk', sealed), plain);
    assert.throws(() => unseal(kek, 43, 'zsk', sealed));
    assert.throws(() => unseal(kek, 42, 'ksk', sealed));
    assert.throws(() => unseal(Buffer.alloc(32, 8), 42, 'zsk', sealed));
    const bytes = Buffer.from(sealed, 'base64');
    bytes[14] = bytes[14]! ^ 1;
    assert.throws(() => unseal(kek, 42, 'zsk', bytes.toString('base64')));
  });
});
