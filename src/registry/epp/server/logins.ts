import type { Executor } from '../../../db/database.ts';
import { hashPassword, verifyPasswordTimed } from '../../../core/password.ts';
import { RegistryError } from '../../port.ts';

/**
 * EPP logins of the simulated registry's registrars: an argon2id hash per registrar
 * (registry_registrars.epp_password_hash). A registrar without one cannot log in.
 */

/** RFC 5730 pwType: 6 to 16 characters (no leading/trailing or double spaces: it is a token). */
export function checkEppPassword(pw: string): void {
  if (pw.length < 6 || pw.length > 16 || pw !== pw.trim() || /\s{2}|[\t\r\n]/.test(pw)) throw new RegistryError(2004, 'an EPP password has 6 to 16 characters (RFC 5730), without surrounding or repeated spaces');
}

export async function setEppPassword(db: Executor, registrarId: string, password: string | null): Promise<void> {
  if (password !== null) checkEppPassword(password);
  const hash = password === null ? null : await hashPassword(password);
  const r = await db.updateTable('registry_registrars').set({ epp_password_hash: hash }).where('id', '=', registrarId).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new RegistryError(2303, `registrar ${registrarId} does not exist`);
}

/** Whether `password` is the registrar's EPP password; takes as long when the registrar is unknown. */
export async function eppLoginValid(db: Executor, registrarId: string, password: string): Promise<boolean> {
  const row = await db.selectFrom('registry_registrars').select('epp_password_hash').where('id', '=', registrarId).executeTakeFirst();
  return verifyPasswordTimed(row?.epp_password_hash ?? null, password);
}
