import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText, text } from '../params.ts';
import { checkUid, propertiesNamed } from '../../services/user-properties.ts';

const truthy = new Set(['1', 'y', 'yes', 'true', 'on']);
const falsy = new Set(['0', 'n', 'no', 'false', 'off']);

export const userSetProperty = defineCommand({
  name: 'user-set-property',
  summary: "Set an account-wide property: autorenew, the default autorenew of new domains (0 or 1).",
  access: 'modify',
  session: 'required',
  execution: 'sync',
  example: { pname: 'autorenew', pvalue: '1' },
  params: z.object({
    pname: text(32).describe('autorenew'),
    pvalue: z.string().optional().describe('0 or 1; empty: the default (0)'),
    uid: optText(20).describe("the account's UID (login's UID header) or *; the default is the logged-in account"),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'autorenew applies to domains registered afterwards whose domain-register gives no `autorenew`; domains already registered keep theirs ' +
    '(domain-set-property changes one). Joker\'s reseller panel sends `pname=autorenew&pvalue=0|1&uid=<UID>`. ' +
    'The change is made at once; the Proc-ID\'s result (ack) says the new value.',
  async run(ctx, p) {
    checkUid(p.uid, ctx.account);
    // `*` names every property; with autorenew the only one, it sets that.
    const names = propertiesNamed(p.pname);
    const v = (p.pvalue ?? '').trim().toLowerCase();
    if (v !== '' && !truthy.has(v) && !falsy.has(v)) throw new DmapiError('PARAM_SYNTAX', "invalid 'pvalue' (autorenew takes 0 or 1, or an empty value for the default)");
    const on = truthy.has(v);
    await ctx.db.updateTable('accounts').set({ autorenew_default: on ? 1 : 0 }).where('id', '=', ctx.account.id).execute();
    return { object: ctx.account.login, resultText: names.map((n) => `user.property.${n} = ${on ? 1 : 0}`).join('\n') };
  },
});
