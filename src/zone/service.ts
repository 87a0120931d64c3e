import { domainToASCII } from 'node:url';
import type { RequestContext } from '../dmapi/command.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { requireDomain, type DomainRecord } from '../services/domain-access.ts';

/** Lowercase A-label without the trailing dot; U-labels are converted. */
export function zoneName(input: string): string {
  const s = input.trim().replace(/\.$/, '').toLowerCase();
  const ascii = /^[\x00-\x7f]*$/.test(s) ? s : domainToASCII(s);
  if (!ascii || ascii.length > 253 || !/^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/.test(ascii)) {
    throw new DmapiError('PARAM_SYNTAX', `invalid 'domain' (${input.slice(0, 80)} is not a domain name)`);
  }
  return ascii;
}

/**
 * The domain whose zone a request reads (`view`) or writes (`dns`): the account's own, or one it
 * holds a grant on whose role permits that. Any other domain answers exactly like one that does
 * not exist (2303); see services/domain-access.ts.
 */
export async function requireZoneDomain(ctx: Pick<RequestContext, 'db' | 'account'>, input: string, action: 'view' | 'dns'): Promise<DomainRecord> {
  return (await requireDomain(ctx, zoneName(input), action)).domain;
}
