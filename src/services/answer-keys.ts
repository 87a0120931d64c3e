import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { DbHandle } from '../db/database.ts';
import { tokenHash } from '../core/password.ts';
import type { Logger } from '../obs/logger.ts';
import type { MailContext } from '../mail/outbox.ts';

/**
 * The keys mailed to people (answer pages, whois verification, grant invitations, owner-change
 * confirmations). The database keeps only a key's hash, to find it, and a nonce: the key itself is
 * an HMAC of the nonce under the server secret, so a mail can be sent again and `grants-list
 * showkey=1` can show the key, while a copy of the database alone reveals none.
 */
export interface AnswerKeys {
  /** A new key for `purpose`; store `nonce` and `hash`, mail `key`. */
  issue(purpose: KeyPurpose): { key: string; nonce: string; hash: string };
  /** The key a stored nonce stands for. */
  derive(purpose: KeyPurpose, nonce: string): string;
}

/** A flow that mails keys: a mail context that can also make them. */
export interface KeyContext extends MailContext {
  readonly deps: MailContext['deps'] & { readonly keys: AnswerKeys };
}

export type KeyPurpose = 'grant-invitation' | 'whois-verification' | 'owner-change' | 'transfer-foa' | 'transfer-out';

/** What a presented key is looked up by. */
export const keyHash = (key: string): string => tokenHash(key.trim());

export function answerKeys(secret: Buffer): AnswerKeys {
  const derive = (purpose: KeyPurpose, nonce: string) => createHmac('sha256', secret).update(`${purpose}:${nonce}`).digest('hex').slice(0, 32);
  return {
    derive,
    issue(purpose) {
      const nonce = randomBytes(12).toString('hex');
      const key = derive(purpose, nonce);
      return { key, nonce, hash: keyHash(key) };
    },
  };
}

const SETTING = 'answer_key_secret';

/**
 * The server secret: DMAPID_SECRET, or the file DMAPID_SECRET_FILE names, or else a file `secret`
 * beside a SQLite database (made on first start, readable by its owner only). An in-memory
 * database gets one for the process. On PostgreSQL without either setting it is kept in the
 * database, shared by every node, with a warning: then a copy of the database does reveal keys.
 */
export async function loadSecret(config: Pick<Config, 'secret' | 'secretFile'>, handle: DbHandle, log?: Logger): Promise<Buffer> {
  if (config.secret) return Buffer.from(config.secret);
  if (config.secretFile) return Buffer.from(readFileSync(config.secretFile, 'utf8').trim());
  if (handle.dialect === 'sqlite') {
    if (!handle.file) return randomBytes(32);
    const file = join(dirname(handle.file), 'secret');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (err) {
        // Another process (the CLI, a second server) made it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return Buffer.from(readFileSync(file, 'utf8').trim());
  }
  await handle.db.insertInto('settings').values({ key: SETTING, value: randomBytes(32).toString('hex') }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await handle.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
  log?.warn('no DMAPID_SECRET or DMAPID_SECRET_FILE: the secret that mailed keys derive from is kept in the database; set one on every node');
  return Buffer.from(row.value);
}
