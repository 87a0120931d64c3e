import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseKeyValues } from '../../dmapi/reply.ts';
import { html, type Html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { back, formOf, noticeOf, outcome, queryOf, signedIn, type PanelKit } from './kit.ts';
import type { PanelUser } from './panel-routes.ts';

type Kind = 'register' | 'transfer';

/** What domain-check said of a name, priced for one operation. */
interface Check {
  status: string;
  reason: string;
  cls: string;
  /** `12.34 USD 1y`, or '' when the operation is not sold. */
  price: string;
  promo: string;
}

/** The handles of the account usable with a TLD (query-contact-list tld=…), with their names. */
async function contactsFor(kit: PanelKit, req: FastifyRequest, u: PanelUser, tld: string): Promise<Array<[string, string]>> {
  const r = await kit.ask(req, 'query-contact-list', { 'auth-sid': u.sid, tld, 'extended-format': '1' });
  if (r.get('Status-Code') !== '0') return [];
  return r.body.split('\n').filter(Boolean).map((l) => l.split('\t')).map((f) => [f[0]!, [f[1], f[2]].filter((x) => x && x !== '-').join(', ')]);
}

const contactSelect = (id: string, label: string, contacts: Array<[string, string]>) =>
  html`<label for="${id}">${label}</label><select id="${id}" name="${id}">${contacts.map(([h, n]) => html`<option value="${h}">${h}${n ? ` (${n})` : ''}</option>`)}</select>`;

function checkForm(kind: Kind, domain: string, years: string): Html {
  return html`<form method="get" action="/panel/${kind}">
<label for="domain">Domain</label><input id="domain" name="domain" value="${domain}" required>
${kind === 'register' ? html`<label for="years">Years</label><select id="years" name="years">${[1, 2, 3, 5, 10].map((y) => html`<option value="${String(y)}"${String(y) === years ? html` selected` : html``}>${String(y)}</option>`)}</select>` : html``}
<p><button type="submit">Show the price</button></p></form>`;
}

function priceBox(c: Check, op: string): Html {
  return html`<dl><dt>Availability</dt><dd>${c.status}${c.reason ? ` (${c.reason})` : ''}</dd><dt>Price class</dt><dd>${c.cls}</dd>
<dt>Price (${op})</dt><dd class="price">${c.price || 'not sold for this TLD in your currency'}</dd>${c.promo ? html`<dt>Promo</dt><dd>${c.promo.replace(' ', ' until ')}</dd>` : html``}</dl>`;
}

function confirmForm(kind: Kind, o: { csrf: string; domain: string; months: number; price: string; contacts: Array<[string, string]>; ns: string }): Html {
  const amount = o.price.split(' ')[0]!;
  const roles = kind === 'register' ? ([['owner-c', 'Owner'], ['admin-c', 'Admin'], ['tech-c', 'Tech'], ['billing-c', 'Billing']] as const) : ([['owner-c', 'Owner (admin, tech and billing too)']] as const);
  if (o.contacts.length === 0) return html`<p class="error" role="alert">No contact of this account can be used with this TLD: <a href="/panel/contacts">create one</a> first.</p>`;
  return html`<form method="post" action="/panel/${kind}">
<input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="domain" value="${o.domain}"><input type="hidden" name="period" value="${String(o.months)}"><input type="hidden" name="max-price" value="${amount}">
${roles.map(([id, label]) => contactSelect(id, label, o.contacts))}
${kind === 'transfer' ? html`<label for="auth-id">AUTH-ID from the current registrar</label><input id="auth-id" name="transfer-auth-id" autocomplete="off">` : html``}
<label for="ns-list">Name servers (colon-separated${kind === 'transfer' ? '; empty keeps the delegation' : ''})</label><input id="ns-list" name="ns-list" value="${o.ns}" size="60">
<p><button type="submit">${kind === 'register' ? 'Register' : 'Transfer in'} ${o.domain} for ${o.price}</button></p>
<p class="muted">The request carries this price as its max-price: if the price has changed meanwhile, nothing is ordered.</p>
</form>`;
}

/**
 * Register and transfer in with the price shown first: domain-check (check-price=create or transfer;
 * premium and promo prices included) and the account's contacts for the TLD, then a confirmation
 * that sends domain-register / domain-transfer-in-reseller with the shown price as max-price.
 */
export function registerOrderPages(scope: FastifyInstance, kit: PanelKit, defaultNs: readonly string[]): void {
  for (const kind of ['register', 'transfer'] as const) {
    const title = kind === 'register' ? 'Register a domain' : 'Transfer a domain in';
    const op = kind === 'register' ? 'create' : 'transfer';
    scope.get(`/panel/${kind}`, async (req, reply) => {
      const u = await signedIn(kit, req, reply);
      if (!u) return reply;
      const q = queryOf(req);
      const domain = q('domain').trim().toLowerCase();
      const years = /^(?:[1-9]|10)$/.test(q('years')) ? q('years') : '1';
      const form = checkForm(kind, domain, years);
      if (!domain) return kit.send(reply, 200, layout(title, html`${noticeOf(req)}${form}`, u));
      const r = await kit.ask(req, 'domain-check', { 'auth-sid': u.sid, domain, 'check-price': op, period: years });
      if (r.get('Status-Code') !== '0') return kit.send(reply, 400, layout(title, html`${noticeOf(req)}${form}<p class="error" role="alert">${outcome(r, domain).text}</p>`, u));
      const f = new Map(parseKeyValues(r.body));
      const c: Check = { status: f.get('domain-status') ?? '', reason: f.get('domain-status-reason') ?? '', cls: f.get('domain-class') ?? '', price: f.get(`domain-price-${op}`) ?? '', promo: f.get('domain-price-promo') ?? '' };
      const orderable = kind === 'register' ? c.status !== 'unavailable' : c.status === 'unavailable' && c.reason === 'registered';
      let next: Html = html``;
      if (!orderable) next = html`<p class="error" role="alert">${kind === 'register' ? `${domain} cannot be registered.` : `${domain} is not registered: there is nothing to transfer.`}</p>`;
      else if (c.price) {
        const months = Number(/ (\d+)y$/.exec(c.price)?.[1] ?? years) * 12;
        const contacts = await contactsFor(kit, req, u, domain.slice(domain.indexOf('.') + 1));
        next = confirmForm(kind, { csrf: u.csrf, domain, months, price: c.price.replace(/ \d+y$/, ''), contacts, ns: kind === 'register' ? defaultNs.join(':') : '' });
      }
      return kit.send(reply, 200, layout(title, html`${noticeOf(req)}${form}<h2>${domain}</h2>${priceBox(c, op)}${next}`, u));
    });

    scope.post(`/panel/${kind}`, async (req, reply) => {
      const field = formOf(req);
      const u = await signedIn(kit, req, reply, field('csrf'));
      if (!u) return reply;
      const domain = field('domain');
      const owner = field('owner-c');
      const common = { 'auth-sid': u.sid, domain, 'max-price': field('max-price'), ...(field('ns-list') ? { 'ns-list': field('ns-list') } : {}) };
      const r =
        kind === 'register'
          ? await kit.ask(req, 'domain-register', { ...common, period: field('period'), 'owner-c': owner, 'admin-c': field('admin-c'), 'tech-c': field('tech-c'), 'billing-c': field('billing-c') })
          : await kit.ask(req, 'domain-transfer-in-reseller', { ...common, 'owner-c': owner, ...(field('transfer-auth-id') ? { 'transfer-auth-id': field('transfer-auth-id') } : {}) });
      const o = outcome(r, `${kind === 'register' ? 'Registration' : 'Transfer'} of ${domain}`);
      if (o.ok) return back(reply, '/panel/results', `${o.text}; the result appears below when the registry has answered`);
      const years = String(Math.max(1, Math.round(Number(field('period')) / 12) || 1));
      return back(reply, `/panel/${kind}?${new URLSearchParams({ domain, ...(kind === 'register' ? { years } : {}) })}`, o.text, false);
    });
  }
}
