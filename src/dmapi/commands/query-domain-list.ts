import { z } from 'zod';
import { defineCommand, type RequestContext } from '../command.ts';
import type { HeaderList } from '../reply.ts';
import { optFlag, optInt, pattern } from '../params.ts';
import { domainNameTrigrams, globMatch, NO_LIMIT } from '../../db/sql-helpers.ts';
import { isoDate } from '../../core/dates.ts';
import type { GrantRole } from '../../db/schema.ts';
import { grantedDomains, type DomainRecord } from '../../services/domain-access.ts';
import { statusWords, usesPlatformNs } from '../../services/domains.ts';
import { privacySubscribed } from '../../services/privacy.ts';

/** What the lines show, whichever columns are asked for: far fewer than a whole domain row. */
const LISTED = ['id', 'account_id', 'name', 'status', 'expires_at', 'locked', 'autorenew', 'privacy', 'privacy_origin', 'privacy_expires_at'] as const;

interface Listed {
  domain: Pick<DomainRecord, (typeof LISTED)[number]>;
  /** @creator for the account's own domains; the grant roles otherwise. */
  roles: GrantRole[];
}

export const queryDomainList = defineCommand({
  name: 'query-domain-list',
  summary: 'Domains in the account with their expiration dates; showstatus, showgrants, showprivacy and showjokerns add columns.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    pattern: pattern('the domain name (A-label)'),
    from: optInt(1, 1_000_000_000),
    to: optInt(1, 1_000_000_000),
    showstatus: optFlag().describe('adds domain_status: production, lock, autorenew (comma-separated)'),
    showgrants: optFlag().describe('adds own_role, invitation_possible, number_of_confirmed_grants, pending_invitations'),
    showprivacy: optFlag().describe('adds privacy-status, privacy-origin, privacy-expiration'),
    showjokerns: optFlag().describe('adds jokerns: 1 when the domain uses the platform\'s name servers'),
  }),
  errors: [],
  notes:
    '`from`/`to` are 1-based positions in the name-sorted list. An empty match is a success with an empty body. Lines are space-separated in the Columns order; the last line has no newline. ' +
    'Domains other accounts hold and granted to this one are listed too (own_role shows the roles; their grant counts are `undef`). Deleted domains (in redemption) are not listed: restore them with domain-redeem. ' +
    'privacy-status is the level in force (off, basic, pro), privacy-origin the level bought (off when none), privacy-expiration its end date or `-`.',
  async run(ctx, p) {
    const columns = ['domain', 'expiration_date'];
    if (p.showstatus) columns.push('domain_status');
    if (p.showgrants) columns.push('own_role', 'invitation_possible', 'number_of_confirmed_grants', 'pending_invitations');
    if (p.showprivacy) columns.push('privacy-status', 'privacy-origin', 'privacy-expiration');
    if (p.showjokerns) columns.push('jokerns');
    const headers: HeaderList = [['Columns', columns.join(',')]];
    const own = () => {
      let q = ctx.db.selectFrom('domains').select(LISTED).where('account_id', '=', ctx.account.id).where('status', '=', 'active');
      if (p.pattern) q = q.where(globMatch(ctx.db, 'name', p.pattern, { trigrams: domainNameTrigrams }));
      return q.orderBy('name');
    };
    const asOwn = (domains: Listed['domain'][]): Listed[] => domains.map((domain) => ({ domain, roles: ['@creator'] }));
    const lines = async (rows: Listed[]) => (await listLines(ctx, p, rows)).join('\n');

    const granted = (await grantedDomains(ctx.db, ctx.account.id, p.pattern, LISTED)).filter((g) => g.domain.status === 'active');
    if (granted.length === 0 && p.from === undefined && p.to === undefined) {
      // The whole list of the account's own domains: read and sent a page at a time, each page a
      // short query of its own (the next starts after the last name), so a million names neither
      // sit in memory nor hold the database for the length of the answer.
      const first = await own().limit(PAGE).execute();
      if (first.length < PAGE) return { headers, body: await lines(asOwn(first)) };
      return {
        headers,
        body: await lines(asOwn(first)),
        async *more() {
          let last = first.at(-1)!.name;
          for (;;) {
            const page = await own().where('name', '>', last).limit(PAGE).execute();
            if (page.length === 0) return;
            yield `\n${await lines(asOwn(page))}`;
            last = page.at(-1)!.name;
          }
        },
      };
    }
    const from = p.from ?? 1;
    const count = p.to !== undefined ? Math.max(0, p.to - from + 1) : NO_LIMIT;
    let rows: Listed[];
    if (granted.length === 0) rows = asOwn(await own().offset(from - 1).limit(count).execute());
    else rows = [...asOwn(await own().execute()), ...granted].sort((a, b) => (a.domain.name < b.domain.name ? -1 : a.domain.name > b.domain.name ? 1 : 0)).slice(from - 1, count === NO_LIMIT ? undefined : from - 1 + count);
    return { headers, body: await lines(rows) };
  },
});

/** Names per page of a whole list. */
const PAGE = 2000;

type Params = { showstatus?: boolean | undefined; showgrants?: boolean | undefined; showprivacy?: boolean | undefined; showjokerns?: boolean | undefined };

/** The body lines of `rows`, with the grant counts and delegations the asked columns need. */
async function listLines(ctx: RequestContext, p: Params, rows: Listed[]): Promise<string[]> {
  const ids = rows.map((r) => r.domain.id);
  const grantCounts = new Map<number, { active: number; pending: number }>();
  if (p.showgrants && ids.length) {
    const counts = await ctx.db
      .selectFrom('grants')
      .select((eb) => ['domain_id', 'state', eb.fn.countAll<number>().as('n')])
      .where('domain_id', 'in', ids)
      .where('state', 'in', ['active', 'pending'])
      .groupBy(['domain_id', 'state'])
      .execute();
    for (const c of counts) {
      const e = grantCounts.get(c.domain_id) ?? { active: 0, pending: 0 };
      e[c.state === 'active' ? 'active' : 'pending'] = Number(c.n);
      grantCounts.set(c.domain_id, e);
    }
  }
  const delegations = new Map<number, string[]>();
  if (p.showjokerns && ids.length) {
    const ns = await ctx.db.selectFrom('domain_nameservers').select(['domain_id', 'host']).where('domain_id', 'in', ids).execute();
    for (const n of ns) delegations.set(n.domain_id, [...(delegations.get(n.domain_id) ?? []), n.host]);
  }
  return rows.map(({ domain: d, roles }) => {
    const fields = [d.name, isoDate(d.expires_at)];
    if (p.showstatus) fields.push(statusWords(d));
    if (p.showgrants) {
      const own = d.account_id === ctx.account.id;
      const c = grantCounts.get(d.id) ?? { active: 0, pending: 0 };
      fields.push(roles.join(','), own ? 'true' : 'false', own ? String(c.active) : 'undef', own ? String(c.pending) : 'undef');
    }
    if (p.showprivacy) {
      const subscribed = privacySubscribed(d, ctx.now);
      // The level in force, as domain-get-property's privacy (propertyValue) answers it.
      fields.push(subscribed ? d.privacy : 'off', subscribed ? d.privacy_origin : 'off', subscribed ? isoDate(d.privacy_expires_at!) : '-');
    }
    if (p.showjokerns) fields.push(usesPlatformNs(ctx.deps.config.dnsNameservers, delegations.get(d.id) ?? []) ? '1' : '0');
    return fields.join(' ');
  });
}
