import type { Executor } from '../../src/db/database.ts';
import { listMail } from '../../src/mail/outbox.ts';

/**
 * The key the newest matching mail carries (`Invitation key:`, `Verification key:`,
 * `Authorization key:`, or in its answer-page link): the database keeps only its hash, so tests
 * read it where people do.
 */
export async function mailedKey(db: Executor, f: { to?: string; kind?: string; object?: string }): Promise<string> {
  const mails = await listMail(db, { ...(f.to ? { to: f.to } : {}), ...(f.kind ? { kind: f.kind } : {}) });
  const mail = mails.find((m) => f.object === undefined || m.object_name === f.object);
  const key = mail && (/^(?:Invitation|Verification|Authorization) key: (\S+)$/m.exec(mail.body) ?? /\/answer\/[a-z-]+\/([A-Za-z0-9_-]+)$/m.exec(mail.body))?.[1];
  if (!key) throw new Error(`no mail with a key for ${JSON.stringify(f)}`);
  return key;
}
