import type { FastifyInstance } from 'fastify';
import { parseKeyValues } from '../../dmapi/reply.ts';
import { html } from '../html.ts';
import { layout, table } from './panel-pages.ts';
import { button } from './operator-pages.ts';
import { back, formOf, noticeOf, notFound, outcome, signedIn, type PanelKit } from './kit.ts';

const addressInputs = (ip: string, ipv6: string) =>
  html`<label for="ip">IPv4 addresses (comma-separated)</label><input id="ip" name="ip" value="${ip}" size="40">
<label for="ipv6">IPv6 addresses (comma-separated)</label><input id="ipv6" name="ipv6" value="${ipv6}" size="40">`;

/**
 * Name servers (host objects): the list (query-ns-list full=1), a new one (ns-create), one host
 * (query-whois host=) with its addresses changed (ns-modify) or the host deleted (ns-delete).
 */
export function registerNsPages(scope: FastifyInstance, kit: PanelKit): void {
  scope.get('/panel/ns', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return reply;
    const r = await kit.ask(req, 'query-ns-list', { 'auth-sid': u.sid, full: '1' });
    const rows = r.body.split('\n').filter(Boolean).map((l) => l.split('\t'));
    const body = html`${noticeOf(req)}${table(['Host', 'IPv4', 'IPv6'], rows, (row) => `/panel/ns/${encodeURIComponent(row[0]!)}`)}
<h2>New name server</h2>
<form method="post" action="/panel/ns"><input type="hidden" name="csrf" value="${u.csrf}">
<label for="host">Host name</label><input id="host" name="host" required size="40">
${addressInputs('', '')}
<p class="muted">A host inside one of your domains needs an address (glue); a host elsewhere takes none.</p>
<p><button type="submit">Create the name server</button></p></form>`;
    return kit.send(reply, 200, layout('Name servers', body, u));
  });

  scope.post('/panel/ns', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const host = field('host').trim();
    const o = outcome(await kit.ask(req, 'ns-create', { 'auth-sid': u.sid, host, ...(field('ip').trim() ? { ip: field('ip').trim() } : {}), ...(field('ipv6').trim() ? { ipv6: field('ipv6').trim() } : {}) }), `New name server ${host}`);
    return back(reply, '/panel/ns', o.ok ? `${o.text}; listed when the registry has created it` : o.text, o.ok);
  });

  scope.get('/panel/ns/:host', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return reply;
    const host = (req.params as { host: string }).host;
    const r = await kit.ask(req, 'query-whois', { 'auth-sid': u.sid, host });
    if (r.get('Status-Code') !== '0') return notFound(kit, reply, u, `No name server ${host} in this account.`);
    const f = parseKeyValues(r.body).map(([k, v]): [string, string] => [k.replace(/^host\./, ''), v]);
    const of = (family: RegExp) => f.filter(([k]) => family.test(k)).map(([, v]) => v).join(',');
    const at = `/panel/ns/${encodeURIComponent(host)}`;
    const body = html`${noticeOf(req)}<dl>${f.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h2>Change the addresses</h2>
<form method="post" action="${at}"><input type="hidden" name="csrf" value="${u.csrf}">
${addressInputs(of(/^ip-address$/), of(/^ip-address-v6$/))}
<p class="muted">The addresses given replace the current ones of that family; <code>-</code> removes them.</p>
<p><button type="submit">Save the addresses</button></p></form>
<h2>Delete</h2>
<p>${button(`${at}/delete`, u.csrf, `Delete ${host}`)} <span class="muted">(only when no domain uses it)</span></p>`;
    return kit.send(reply, 200, layout(`Name server ${host}`, body, u));
  });

  scope.post('/panel/ns/:host', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const host = (req.params as { host: string }).host;
    const params = { 'auth-sid': u.sid, host, ...(field('ip').trim() ? { ip: field('ip').trim() } : {}), ...(field('ipv6').trim() ? { ipv6: field('ipv6').trim() } : {}) };
    const o = outcome(await kit.ask(req, 'ns-modify', params), `Change of ${host}`);
    return back(reply, `/panel/ns/${encodeURIComponent(host)}`, o.text, o.ok);
  });

  scope.post('/panel/ns/:host/delete', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const host = (req.params as { host: string }).host;
    const o = outcome(await kit.ask(req, 'ns-delete', { 'auth-sid': u.sid, host }), `Deletion of ${host}`);
    return back(reply, o.ok ? '/panel/ns' : `/panel/ns/${encodeURIComponent(host)}`, o.text, o.ok);
  });
}
