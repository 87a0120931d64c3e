import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText, text } from '../params.ts';
import type { DomainsTable, PrivacyLevel } from '../../db/schema.ts';
import type { Updateable } from 'kysely';
import { globMatch } from '../../db/sql-helpers.ts';
import { grantedDomains, requireDomain, roleAllows, type DomainRecord } from '../../services/domain-access.ts';
import { domainProperties, propertyAction, stateText, type DomainProperty } from '../../services/domains.ts';
import { levelAllowed, privacySubscribed } from '../../services/privacy.ts';

const truthy = new Set(['1', 'y', 'yes', 'true', 'on']);
const falsy = new Set(['0', 'n', 'no', 'false', 'off']);

type Change = { set: Updateable<DomainsTable>; shown: string } | { skip: string };

/** The change a property value makes on one domain (or why it cannot apply there). */
function changeFor(d: DomainRecord, pname: DomainProperty, value: string, now: number): Change {
  if (pname === 'privacy') {
    const subscribed = privacySubscribed(d, now);
    const wanted: PrivacyLevel = value === '' ? (subscribed ? d.privacy_origin : 'off') : (value as PrivacyLevel);
    if (wanted === 'off') return { set: { privacy: 'off' }, shown: 'off' };
    if (!subscribed) return { skip: `${d.name} has no privacy subscription; order one with domain-privacy-order` };
    if (!levelAllowed(d.privacy_origin, wanted)) return { skip: `${d.name} has a ${d.privacy_origin} privacy subscription, which does not include ${wanted}` };
    return { set: { privacy: wanted }, shown: wanted };
  }
  const on = value === '' ? false : truthy.has(value);
  const column = pname === 'autorenew' ? 'autorenew' : pname === 'whois-opt-out' ? 'whois_opt_out' : 'gdpr_opt_in';
  return { set: { [column]: on ? 1 : 0, ...(pname === 'autorenew' && on ? { delete_at_expiry: 0 } : {}) }, shown: on ? '1' : '0' };
}

export const domainSetProperty = defineCommand({
  name: 'domain-set-property',
  summary: 'Set a property (autorenew, whois-opt-out, privacy, gdpr-opt-in) of one domain or of every domain matching a pattern; an empty value restores the default.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  example: { pname: 'autorenew', pvalue: '0' },
  params: z.object({
    domain: text(253).describe('a domain name, or a pattern (a `*` or `?` makes it one; see [patterns](wire.md#patterns))'),
    pname: optText(32).describe('autorenew, whois-opt-out, privacy or gdpr-opt-in'),
    pvalue: z.string().optional().describe('the value; empty: the default'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED'],
  notes:
    'Values: autorenew, whois-opt-out and gdpr-opt-in take 0 or 1 (default 0); privacy takes off, basic or pro — basic or pro only with a privacy subscription that includes the level ' +
    '(pro includes basic), empty returns to the level bought. The seeds\' short form `privacy=off` (the property as a parameter) works too. ' +
    'With a pattern every matching active domain of the account (and every granted one whose role allows it) is changed; domains the value cannot apply to are listed in the result and skipped. ' +
    'The change is made at once; the Proc-ID\'s result (ack) lists each domain with its new value.',
  async run(ctx, p) {
    let pname = p.pname?.toLowerCase();
    let value = p.pvalue;
    if (pname === undefined) {
      // domain-set-property?domain=example.com&privacy=off (the seeds' own sample)
      const given = domainProperties.filter((n) => ctx.raw[n] !== undefined);
      if (given.length !== 1) throw new DmapiError('PARAM_MISSING', "missing parameter 'pname' (autorenew, whois-opt-out, privacy or gdpr-opt-in)");
      pname = given[0]!;
      value = ctx.raw[pname];
    }
    if (!(domainProperties as readonly string[]).includes(pname)) throw new DmapiError('PARAM_RANGE', `invalid 'pname' (${pname} is not a domain property; use autorenew, whois-opt-out, privacy or gdpr-opt-in)`);
    const prop = pname as DomainProperty;
    const v = (value ?? '').trim().toLowerCase();
    if (prop === 'privacy' ? !['', 'off', 'basic', 'pro'].includes(v) : v !== '' && !truthy.has(v) && !falsy.has(v)) {
      throw new DmapiError('PARAM_SYNTAX', `invalid 'pvalue' (${prop} takes ${prop === 'privacy' ? 'off, basic or pro' : '0 or 1'}, or an empty value for the default)`);
    }
    const action = propertyAction[prop];
    const isPattern = /[*?]/.test(p.domain);
    let targets: DomainRecord[];
    if (!isPattern) {
      const { domain } = await requireDomain(ctx, p.domain, action, { forUpdate: true });
      if (domain.status !== 'active') throw new DmapiError('STATUS_PROHIBITS', stateText(domain));
      targets = [domain];
    } else {
      // Matched as given (A–Z fold there): IDN conversion would garble `*` and `?`.
      const pattern = p.domain.replace(/\.$/, '');
      const own = await ctx.db.selectFrom('domains').selectAll().where('account_id', '=', ctx.account.id).where('status', '=', 'active').where(globMatch(ctx.db, 'name', pattern)).orderBy('name').execute();
      const granted = (await grantedDomains(ctx.db, ctx.account.id, pattern)).filter((g) => g.domain.status === 'active' && g.roles.some((r) => roleAllows(r, action))).map((g) => g.domain);
      targets = [...own, ...granted].sort((a, b) => a.name.localeCompare(b.name));
      if (targets.length === 0) throw new DmapiError('OBJECT_NOT_FOUND', `no domain matches ${p.domain}`);
    }
    const lines: string[] = [];
    let changed = 0;
    for (const d of targets) {
      const c = changeFor(d, prop, v, ctx.now);
      if ('skip' in c) {
        if (!isPattern) throw new DmapiError('STATUS_PROHIBITS', `pvalue not applied (${c.skip})`);
        lines.push(`${d.name}: skipped: ${c.skip}`);
        continue;
      }
      await ctx.db.updateTable('domains').set({ ...c.set, updated_at: ctx.now }).where('id', '=', d.id).execute();
      lines.push(`${d.name}: ${prop} = ${c.shown}`);
      changed++;
    }
    if (changed === 0) throw new DmapiError('STATUS_PROHIBITS', lines.map((l) => l.replace(/^[^:]+: skipped: /, '')));
    return { object: isPattern ? p.domain.trim().toLowerCase() : targets[0]!.name, resultText: lines.join('\n') };
  },
});
