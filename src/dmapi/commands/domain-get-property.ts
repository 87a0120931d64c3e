import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import { requireDomain } from '../../services/domain-access.ts';
import { domainProperties, propertyValue, type DomainProperty } from '../../services/domains.ts';

export const domainGetProperty = defineCommand({
  name: 'domain-get-property',
  summary: 'The value of one domain property as a single `name: value` line.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    domain: text(253),
    pname: text(32).describe('autorenew, whois-opt-out, privacy or gdpr-opt-in'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'ACCESS_DENIED'],
  notes: 'For example `autorenew: 0`. privacy answers the level in force: off, basic or pro (off once the subscription has ended).',
  async run(ctx, p) {
    const pname = p.pname.toLowerCase();
    if (!(domainProperties as readonly string[]).includes(pname)) throw new DmapiError('PARAM_RANGE', `invalid 'pname' (${p.pname} is not a domain property; use autorenew, whois-opt-out, privacy or gdpr-opt-in)`);
    const { domain } = await requireDomain(ctx, p.domain, 'view');
    return { body: `${pname}: ${propertyValue(domain, pname as DomainProperty, ctx.now)}\n` };
  },
});
