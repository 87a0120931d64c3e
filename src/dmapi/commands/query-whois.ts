import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optFlag, optText } from '../params.ts';
import { whoisRenderers, type WhoisObjectType } from '../../services/whois.ts';

const types: readonly WhoisObjectType[] = ['domain', 'contact', 'host'];

export const queryWhois = defineCommand({
  name: 'query-whois',
  aliases: ['query-object'],
  summary: 'Data of one domain, contact or name server of the account as `<type>.<key>: <value>` lines.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z
    .object({
      domain: optText(253).describe('a domain name'),
      contact: optText(64).describe('a contact handle'),
      host: optText(253).describe('a name server'),
      internal: optFlag().describe('1: the real owner data behind whois privacy (domains the account holds)'),
    })
    .refine((p) => types.some((t) => p[t] !== undefined), { message: "missing parameter (one of 'domain', 'contact' or 'host')", params: { dmapi: 'PARAM_MISSING' } })
    .refine((p) => types.filter((t) => p[t] !== undefined).length <= 1, { message: 'give exactly one of domain, contact or host', params: { dmapi: 'PARAM_SYNTAX' } }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Only objects of the account are shown; anything else (another reseller\'s, unknown) answers 2303. query-object, the deprecated name, answers the same. ' +
    'Dates are YYYYMMDDHHMMSS; empty values are left out. Domains: whois privacy masks the owner data (basic keeps name and organisation, pro and whois-opt-out mask all) as `REDACTED FOR PRIVACY`; ' +
    '`internal=1` shows the real data to the account holding the domain (grantees see it masked). Extra domain keys: domain.dnssec (signedDelegation|unsigned) with domain.dnssec.ds-N, domain.privacy, domain.privacy-expires, domain.registrar-tag, domain.language.',
  async run(ctx, p) {
    const type = types.find((t) => p[t] !== undefined)!;
    const name = p[type]!;
    const lines = await whoisRenderers[type](ctx.db, ctx.account.id, name, { internal: p.internal ?? false, now: ctx.now });
    if (!lines) throw new DmapiError('OBJECT_NOT_FOUND', `${type} ${name} not found`);
    return { body: lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' };
  },
});
