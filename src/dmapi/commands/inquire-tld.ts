import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { tldOrFail } from '../../services/contacts.ts';
import type { TldInfo } from '../../tld/catalogue.ts';

const years = (months: readonly number[]) => months.map((m) => m / 12).join(',');

/** The `key: value` lines describing one TLD; `dnssec` first, as Joker's WHMCS module reads it. */
export function tldLines(t: TldInfo): Array<[string, string]> {
  return [
    ['tld', t.tld],
    ['dnssec', t.dnssec.supported ? t.dnssec.format : 'none'],
    ['dnssec-max-records', t.dnssec.supported ? String(t.dnssec.maxRecords) : '0'],
    ['contact-handle-prefix', t.handlePrefix],
    ['contact-roles', t.contacts.roles.join(',')],
    ['contact-fax-required', t.contacts.faxRequired ? '1' : '0'],
    ['period-create', years(t.periods.create)],
    ['period-renew', years(t.periods.renew)],
    ['transfer-auth-id', t.transfer.authCode ? '1' : '0'],
    ['nameservers-min', String(t.nameservers.min)],
    ['nameservers-max', String(t.nameservers.max)],
    ['privacy', t.privacy.length ? t.privacy.join(',') : 'none'],
    ['idn', t.idn.length ? t.idn.map((i) => i.language).join(',') : 'none'],
  ];
}

export const inquireTld = defineCommand({
  name: 'inquire-tld',
  summary: 'What the platform supports for one TLD as `key: value` lines: `dnssec: dsdata|keydata|none`, contact roles, periods, privacy, IDN.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  example: { tld: 'com' },
  params: z.object({ tld: text(63).describe('the TLD, with or without the leading dot') }),
  errors: [],
  notes:
    '`dnssec` says what domain-modify\'s `ds-N` carries for this TLD: `dsdata` (DS records, `keytag:alg:digest-type:digest`), ' +
    '`keydata` (DNSKEY data, `protocol:alg:flags:pubkey`, .de style) or `none`; Joker\'s WHMCS module picks its DNSSEC form from it. ' +
    'Periods are in years. A TLD the platform does not offer answers 2004.',
  async run(ctx, p) {
    const t = tldOrFail(ctx.deps.tlds, p.tld.toLowerCase());
    return { body: tldLines(t).map(([k, v]) => `${k}: ${v}\n`).join('') };
  },
});
