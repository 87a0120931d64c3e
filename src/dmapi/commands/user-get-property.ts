import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText } from '../params.ts';
import { checkUid, propertiesNamed, propertyLine, PROPERTY_SECTION } from '../../services/user-properties.ts';
import { accountRow } from '../../services/domains.ts';

export const userGetProperty = defineCommand({
  name: 'user-get-property',
  summary: 'Account-wide properties as `user.property.<name>: <value>` lines (autorenew: the default for new domains).',
  access: 'read',
  session: 'required',
  execution: 'sync',
  example: { pname: 'autorenew', ptype: 'property' },
  params: z.object({
    pname: optText(32).describe('autorenew, or * (the default) for every property'),
    ptype: optText(32).describe('property (the only section), or * (the default)'),
    uid: optText(20).describe("the account's UID (login's UID header) or *; the default is the logged-in account"),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Joker\'s reseller panel asks `pname=autorenew&ptype=property&uid=<UID>` and reads `user.property.autorenew: 1`. ' +
    'autorenew is 1 when new domains renew automatically unless domain-register gives `autorenew`; it is 0 for a new account.',
  async run(ctx, p) {
    checkUid(p.uid, ctx.account);
    const type = (p.ptype ?? '*').toLowerCase();
    if (type !== '*' && type !== PROPERTY_SECTION) throw new DmapiError('PARAM_RANGE', `invalid 'ptype' (${p.ptype} is not a property type; use ${PROPERTY_SECTION} or *)`);
    const names = propertiesNamed(p.pname);
    const account = await accountRow(ctx.db, ctx.account.id);
    return { body: names.map((n) => propertyLine(account, n)).join('\n') + '\n' };
  },
});
