import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseKeyValues } from '../../dmapi/reply.ts';
import { contactFields } from '../../core/contact.ts';
import { html, type Html } from '../html.ts';
import { layout, table } from './panel-pages.ts';
import { back, formOf, noticeOf, notFound, outcome, signedIn, type PanelKit } from './kit.ts';

/** The fields the forms show as inputs; any other contact field goes in the "more fields" box. */
const shown = ['name', 'organization', 'email', 'address-1', 'city', 'postal-code', 'country', 'phone', 'fax'] as const;
const labels: Record<(typeof shown)[number], string> = {
  name: 'Name',
  organization: 'Organization',
  email: 'E-mail',
  'address-1': 'Address',
  city: 'City',
  'postal-code': 'Postal code',
  country: 'Country (ISO code, e.g. DE)',
  phone: 'Phone (+CC.NNNN)',
  fax: 'Fax',
};

function contactForm(o: { action: string; csrf: string; values: Map<string, string>; tld?: string; button: string }): Html {
  const more = [...o.values].filter(([k]) => !(shown as readonly string[]).includes(k) && (contactFields as readonly string[]).includes(k)).map(([k, v]) => `${k}=${v}`).join('\n');
  return html`<form method="post" action="${o.action}"><input type="hidden" name="csrf" value="${o.csrf}">
${o.tld !== undefined ? html`<label for="tld">TLD the contact is for</label><input id="tld" name="tld" value="${o.tld}" required size="10">` : html``}
<div class="fields">${shown.map((f) => html`<div><label for="c-${f}">${labels[f]}</label><input id="c-${f}" name="${f}" value="${o.values.get(f) ?? ''}"></div>`)}</div>
<label for="more">More fields the TLD asks for, <code>field=value</code> one a line (e.g. <code>lang=de</code>, <code>nexus-category=C11</code>, <code>individual=No</code>)</label>
<textarea id="more" name="more" rows="3" spellcheck="false">${more}</textarea>
<p><button type="submit">${o.button}</button></p></form>`;
}

/** The contact fields of a posted form: the inputs, then `field=value` lines (only known contact fields). */
function fieldsOf(req: FastifyRequest): { fields: Record<string, string>; bad: string[] } {
  const field = formOf(req);
  const fields: Record<string, string> = {};
  for (const f of shown) if (field(f).trim()) fields[f] = field(f).trim();
  const bad: string[] = [];
  for (const line of field('more').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    const k = eq > 0 ? line.slice(0, eq).trim().toLowerCase() : '';
    if (!(contactFields as readonly string[]).includes(k) || k === 'tld') bad.push(line);
    else fields[k] = line.slice(eq + 1).trim();
  }
  return { fields, bad };
}

/**
 * Contacts: the list (query-contact-list), a new one (contact-create, whose refusal shows the
 * TLD's rules in DMAPI's own error lines), one contact (query-whois contact=) and changing it
 * (contact-modify).
 */
export function registerContactPages(scope: FastifyInstance, kit: PanelKit): void {
  scope.get('/panel/contacts', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return reply;
    const r = await kit.ask(req, 'query-contact-list', { 'auth-sid': u.sid, 'extended-format': '1' });
    const rows = r.get('Status-Code') === '0' ? r.body.split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
    const body = html`${noticeOf(req)}${table(['Handle', 'Name', 'Organization', 'E-mail'], rows, (row) => `/panel/contacts/${encodeURIComponent(row[0]!)}`)}
<h2>New contact</h2>
${contactForm({ action: '/panel/contacts', csrf: u.csrf, values: new Map(), tld: 'com', button: 'Create the contact' })}`;
    return kit.send(reply, 200, layout('Contacts', body, u));
  });

  scope.post('/panel/contacts', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const { fields, bad } = fieldsOf(req);
    const r = bad.length ? undefined : await kit.ask(req, 'contact-create', { 'auth-sid': u.sid, tld: field('tld').trim(), ...fields });
    const o = r ? outcome(r, 'New contact') : { ok: false, text: `not contact fields: ${bad.join('; ')}` };
    if (o.ok) return back(reply, '/panel/contacts', `${o.text}; its handle appears in the list when the registry has created it`);
    // Refused: the form again with what was typed and DMAPI's reasons (the TLD's rules).
    const values = new Map(Object.entries(fields));
    const body = html`<div class="error" role="alert"><p>${o.text}</p></div>
${contactForm({ action: '/panel/contacts', csrf: u.csrf, values, tld: field('tld'), button: 'Create the contact' })}`;
    return kit.send(reply, 400, layout('New contact', body, u));
  });

  scope.get('/panel/contacts/:handle', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return reply;
    const handle = (req.params as { handle: string }).handle;
    const r = await kit.ask(req, 'query-whois', { 'auth-sid': u.sid, contact: handle });
    if (r.get('Status-Code') !== '0') return notFound(kit, reply, u, `No contact ${handle} in this account.`);
    const values = new Map(parseKeyValues(r.body).map(([k, v]): [string, string] => [k.replace(/^contact\./, ''), v]));
    const body = html`${noticeOf(req)}<dl>${[...values].filter(([k]) => /date$|^handle$/.test(k)).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h2>Change</h2>
${contactForm({ action: `/panel/contacts/${encodeURIComponent(handle)}`, csrf: u.csrf, values, button: 'Save the contact' })}`;
    return kit.send(reply, 200, layout(`Contact ${handle}`, body, u));
  });

  scope.post('/panel/contacts/:handle', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const handle = (req.params as { handle: string }).handle;
    const { fields, bad } = fieldsOf(req);
    const at = `/panel/contacts/${encodeURIComponent(handle)}`;
    if (bad.length) return back(reply, at, `not contact fields: ${bad.join('; ')}`, false);
    const o = outcome(await kit.ask(req, 'contact-modify', { 'auth-sid': u.sid, handle, ...fields }), `Change of ${handle}`);
    return back(reply, at, o.ok ? `${o.text}; shown here when the registry has confirmed it` : o.text, o.ok);
  });
}
