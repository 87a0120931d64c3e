import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText } from '../params.ts';
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
    })
    .refine((p) => types.some((t) => p[t] !== undefined), { message: 'missing parameter: one of domain, contact or host', params: { dmapi: 'PARAM_MISSING' } })
    .refine((p) => types.filter((t) => p[t] !== undefined).length <= 1, { message: 'give exactly one of domain, contact or host', params: { dmapi: 'PARAM_SYNTAX' } }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Only objects of the account are shown; anything else (another reseller\'s, unknown) answers 2303. query-object, the deprecated name, answers the same. ' +
    'Dates are YYYYMMDDHHMMSS; empty values are left out; `internal=1` is accepted and changes nothing.',
  async run(ctx, p) {
    const type = types.find((t) => p[t] !== undefined)!;
    const name = p[type]!;
    const lines = await whoisRenderers[type](ctx.db, ctx.account.id, name);
    if (!lines) throw new DmapiError('OBJECT_NOT_FOUND', `${type} ${name} not found`);
    return { body: lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' };
  },
});
