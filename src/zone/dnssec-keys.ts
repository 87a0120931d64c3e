import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Selectable } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Executor } from '../db/database.ts';
import type { DnssecKeysTable } from '../db/schema.ts';
import { ALGORITHM, exportPrivate, generateKey, importKey, KSK_FLAGS, ZSK_FLAGS, type Algorithm, type SigningKey } from '../dns/dnssec/keys.ts';
import type { ZoneKey } from '../dns/dnssec/sign.ts';

/**
 * DNSSEC keys of hosted zones in the database. The private key is stored sealed: AES-256-GCM
 * under the key-encryption key (KEK), with the zone and the key's role as associated data, so a
 * sealed key copied to another zone's row does not open. The KEK is never in the database: it is
 * the 32 bytes of DMAPID_DNSSEC_KEY_FILE, or else derived (HKDF-SHA256) from the server secret
 * (DMAPID_SECRET / its file / the generated `secret` beside a SQLite database).
 */

export type KeyRole = 'ksk' | 'zsk';
export type KeyRow = Selectable<DnssecKeysTable>;

export function dnssecKek(config: Pick<Config, 'dnssecKeyFile'>, secret: Buffer): Buffer {
  if (config.dnssecKeyFile) {
    const text = readFileSync(config.dnssecKeyFile, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`DMAPID_DNSSEC_KEY_FILE ${config.dnssecKeyFile}: expected 64 hex digits (32 bytes), e.g. from \`openssl rand -hex 32\``);
    return Buffer.from(text, 'hex');
  }
  return Buffer.from(hkdfSync('sha256', secret, 'dmapid', 'dnssec key encryption', 32));
}

const aad = (zoneId: number, role: KeyRole) => Buffer.from(`dmapid dnssec key:${zoneId}:${role}`);

export function seal(kek: Buffer, zoneId: number, role: KeyRole, plain: Buffer): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, nonce).setAAD(aad(zoneId, role));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
}

export function unseal(kek: Buffer, zoneId: number, role: KeyRole, sealed: string): Buffer {
  const b = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, b.subarray(0, 12)).setAAD(aad(zoneId, role));
  d.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
}

export const configuredAlgorithm = (c: Pick<Config, 'dnssecAlgorithm'>): Algorithm => (c.dnssecAlgorithm === 'ed25519' ? ALGORITHM.ED25519 : ALGORITHM.ECDSAP256SHA256);

/** Makes a key for a zone and stores it (sealed) in `state`; returns the row. */
export async function addKey(db: Executor, kek: Buffer, zoneId: number, role: KeyRole, algorithm: Algorithm, state: KeyRow['state'], now: number): Promise<KeyRow> {
  const key = generateKey(algorithm, role === 'ksk' ? KSK_FLAGS : ZSK_FLAGS);
  return db
    .insertInto('dnssec_keys')
    .values({ zone_id: zoneId, role, algorithm, key_tag: key.keyTag, public_key: key.publicKey.toString('base64'), sealed_key: seal(kek, zoneId, role, exportPrivate(key)), state, created_at: now, state_since: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const zoneKeyRows = (db: Executor, zoneId: number): Promise<KeyRow[]> => db.selectFrom('dnssec_keys').selectAll().where('zone_id', '=', zoneId).orderBy('id').execute();

export function openKey(kek: Buffer, row: KeyRow): SigningKey {
  return importKey(row.algorithm as Algorithm, row.role === 'ksk' ? KSK_FLAGS : ZSK_FLAGS, unseal(kek, row.zone_id, row.role, row.sealed_key));
}

/**
 * The keys as the signer uses them: published and retired keys are in DNSKEY without signing;
 * active ones sign. Every active KSK is announced in CDS/CDNSKEY.
 */
export function signingKeys(kek: Buffer, rows: readonly KeyRow[]): ZoneKey[] {
  return rows.map((r) => ({ key: openKey(kek, r), signs: r.state === 'active', cds: r.role === 'ksk' && r.state === 'active' }));
}
