import { createHash, scrypt as scryptCb, timingSafeEqual, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** argon2id at OWASP's minimum (19 MiB, t=2, p=1), stored as a PHC string. */
export function hashPassword(password: string): Promise<string> {
  return argonHash(password, { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** Verifies argon2 PHC strings, and `$scrypt$N$r$p$salt$hash` ones should the native package ever be missing. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) return argonVerify(stored, password).catch(() => false);
  const m = /^\$scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'hex');
  const N = Number(m[1]);
  const got = await scrypt(password, Buffer.from(m[4]!, 'hex'), expected.length, { N, r: Number(m[2]), p: Number(m[3]), maxmem: 256 * N * 1024 });
  return timingSafeEqual(got, expected);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies `password` against `stored`, or, when there is nothing to verify against (no such
 * account, no password set), against a throw-away hash of the same cost and answers false: both
 * take the same time, so the answer's timing does not tell whether an account exists.
 */
export async function verifyPasswordTimed(stored: string | null | undefined, password: string): Promise<boolean> {
  if (stored) return verifyPassword(stored, password);
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummy, password);
  return false;
}

/** Builds a scrypt PHC-like string (used by tests of the fallback verifier). */
export async function scryptHash(password: string, N = 16384): Promise<string> {
  const salt = randomBytes(16);
  const out = await scrypt(password, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 1024 });
  return `$scrypt$${N}$8$1$${salt.toString('hex')}$${out.toString('hex')}`;
}

/** API keys and session ids are random tokens: a fast hash is enough, they are never guessable. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
