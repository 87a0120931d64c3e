import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optFlag, optInt, optText, pattern } from '../params.ts';
import { listContacts, tldOrFail, tldsSharingPrefix } from '../../services/contacts.ts';

export const queryContactList = defineCommand({
  name: 'query-contact-list',
  summary: 'The account\'s contact handles, one per line; extended-format adds name, organization and e-mail.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    pattern: pattern('the handle'),
    from: optInt(1, 1_000_000_000).describe('first position (1-based) in the list'),
    to: optInt(1, 1_000_000_000).describe('last position'),
    tld: optText(63).describe('only handles usable with this TLD (same handle prefix)'),
    'extended-format': optFlag().describe('1: TAB-separated `handle`, `name`, `organization`, `email` with a Columns header'),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Listed in creation order. Without from/to at most 10 000 handles. An empty result answers 2303 (Object does not exist), not an empty success: ' +
    'dmapi-wire Q7, the joker-dmapi gem (TVCAM) treats 2303 as "no contacts". With extended-format=1 the reply carries `Columns: handle,name,organization,email` and `Separator: TAB`.',
  async run(ctx, p) {
    const tlds = p.tld !== undefined ? tldsSharingPrefix(ctx.deps.tlds, tldOrFail(ctx.deps.tlds, p.tld)) : undefined;
    const rows = await listContacts(ctx.db, ctx.account.id, { pattern: p.pattern, tlds, from: p.from, to: p.to });
    if (rows.length === 0) throw new DmapiError('OBJECT_NOT_FOUND', 'no contacts found');
    if (!p['extended-format']) return { body: rows.map((r) => r.handle).join('\n') + '\n' };
    // Tabs or line breaks inside a value would shift the columns; they cannot be stored, but be sure.
    const cell = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
    return {
      headers: [['Columns', 'handle,name,organization,email'], ['Separator', 'TAB']],
      body: rows.map((r) => [r.handle, cell(r.name), cell(r.organization), cell(r.email)].join('\t')).join('\n') + '\n',
    };
  },
});
