import type { FastifyInstance } from 'fastify';
import { html, type Html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { formList, formOf, outcome, signedIn, type PanelKit } from './kit.ts';

/** Each bulk action: its label and the one DMAPI request it sends per selected domain. */
const actions: Record<string, { label: string; request: (domain: string, field: (n: string) => string) => [string, Record<string, string>] }> = {
  renew: { label: 'Renew by one year', request: (domain) => ['domain-renew', { domain, period: '12' }] },
  lock: { label: 'Lock', request: (domain) => ['domain-lock', { domain }] },
  unlock: { label: 'Unlock', request: (domain) => ['domain-unlock', { domain }] },
  'autorenew-on': { label: 'Autorenew on', request: (domain) => ['domain-set-property', { domain, pname: 'autorenew', pvalue: '1' }] },
  'autorenew-off': { label: 'Autorenew off', request: (domain) => ['domain-set-property', { domain, pname: 'autorenew', pvalue: '0' }] },
  ns: { label: 'Set these name servers', request: (domain, field) => ['domain-modify', { domain, 'ns-list': field('ns-list') }] },
};

/** At most this many domains in one bulk action (one page of the list). */
const MAX_SELECTED = 100;

/** The domain list as a form: a checkbox a row, and the bulk actions under it. */
export function bulkDomainTable(rows: string[][], csrf: string): Html {
  if (rows.length === 0) return html`<p class="muted">None.</p>`;
  return html`<form method="post" action="/panel/domains/bulk"><input type="hidden" name="csrf" value="${csrf}">
<table><thead><tr><th scope="col"><span class="sr">Select</span></th><th scope="col">Domain</th><th scope="col">Expires</th><th scope="col">Status</th></tr></thead><tbody>
${rows.map((r, i) => html`<tr><td><input type="checkbox" name="domain" value="${r[0]!}" id="pick-${String(i)}" aria-label="Select ${r[0]!}"></td><td><a href="/panel/domains/${encodeURIComponent(r[0]!)}">${r[0]!}</a></td><td>${r[1] ?? ''}</td><td>${r.slice(2).join(' ')}</td></tr>\n`)}</tbody></table>
<fieldset class="bulk"><legend>For the selected domains</legend>
<label for="bulk-action">Action</label><select id="bulk-action" name="action">${Object.entries(actions).map(([v, a]) => html`<option value="${v}">${a.label}</option>`)}</select>
<label for="bulk-ns">Name servers (for "Set these name servers", colon-separated)</label><input id="bulk-ns" name="ns-list" size="50">
<button type="submit">Apply to the selected domains</button>
<p class="muted">Each selected domain gets its own DMAPI request; the next page lists every answer.</p></fieldset></form>`;
}

/**
 * Bulk actions over the domain list: one DMAPI request per selected domain (domain-renew,
 * domain-lock/-unlock, domain-set-property autorenew, domain-modify ns-list), then a summary of
 * what was accepted and what was refused, in DMAPI's words.
 */
export function registerBulkPages(scope: FastifyInstance, kit: PanelKit): void {
  scope.post('/panel/domains/bulk', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const action = actions[field('action')];
    const domains = [...new Set(formList(req, 'domain'))].slice(0, MAX_SELECTED);
    if (!action || domains.length === 0) return kit.send(reply, 400, layout('Bulk action', html`<p class="error" role="alert">Choose an action and at least one domain.</p><p><a href="/panel/domains">Back to the domains</a></p>`, u));
    const answers: Array<{ domain: string; ok: boolean; text: string }> = [];
    // One after another: the account's money and the per-domain rules are checked request by request.
    for (const domain of domains) {
      const [name, params] = action.request(domain, field);
      const o = outcome(await kit.ask(req, name, { 'auth-sid': u.sid, ...params }), domain);
      answers.push({ domain, ...o });
    }
    const ok = answers.filter((a) => a.ok).length;
    const body = html`<p role="status">${action.label}: ${String(ok)} accepted, ${String(answers.length - ok)} refused.</p>
<table><thead><tr><th scope="col">Domain</th><th scope="col">Answer</th><th scope="col">Details</th></tr></thead><tbody>
${answers.map((a) => html`<tr><td class="name">${a.domain}</td><td class="${a.ok ? 'ack' : 'nack'}">${a.ok ? 'accepted' : 'refused'}</td><td>${a.text.slice(a.domain.length + 2).replace(/^(?:accepted|refused) ?/, '')}</td></tr>\n`)}</tbody></table>
<p><a href="/panel/results">Results</a> · <a href="/panel/domains">Back to the domains</a></p>`;
    return kit.send(reply, 200, layout('Bulk action', body, u));
  });
}
