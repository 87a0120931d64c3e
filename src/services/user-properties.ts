import { DmapiError } from '../dmapi/errors.ts';
import type { Account } from '../db/schema.ts';

/**
 * Account-wide properties (user-get-property / user-set-property, RPANEL): `autorenew`, the
 * default autorenew of new domains when domain-register does not say. Shown as
 * `<type>.<section>.<name>: <value>` lines, type `user`, section `property`.
 */
export const userProperties = ['autorenew'] as const;
export type UserProperty = (typeof userProperties)[number];
export const PROPERTY_SECTION = 'property';

export const propertyLine = (account: Pick<Account, 'autorenew_default'>, name: UserProperty): string => `user.${PROPERTY_SECTION}.${name}: ${account.autorenew_default ? 1 : 0}`;

/** The property named by `pname` (`*` or absent: every one), or a range error naming the valid ones. */
export function propertiesNamed(pname: string | undefined): UserProperty[] {
  const p = (pname ?? '*').trim().toLowerCase();
  if (p === '*' || p === '') return [...userProperties];
  if ((userProperties as readonly string[]).includes(p)) return [p as UserProperty];
  throw new DmapiError('PARAM_RANGE', `invalid 'pname' (${pname} is not a user property; use ${userProperties.join(', ')} or *)`);
}

/**
 * `uid` as RPANEL sends it: the logged-in account's UID (login's `UID` header), `*` or nothing.
 * Any other account answers like a missing one.
 */
export function checkUid(uid: string | undefined, account: Pick<Account, 'id'>): void {
  const u = (uid ?? '').trim();
  if (u === '' || u === '*' || u === String(account.id)) return;
  throw new DmapiError('OBJECT_NOT_FOUND', `user ${u} not found`);
}
