import type { FastifyInstance } from 'fastify';
import { html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { button } from './operator-pages.ts';
import { back, formOf, noticeOf, notFound, outcome, signedIn, type PanelKit } from './kit.ts';

const roles = ['@admin', '@billing', '@tech', '@creator'] as const;

/**
 * A domain's grants and invitations (grants-list), inviting someone to a role (grants-invite) and
 * ending a grant or withdrawing an invitation (grants-revoke). Only the holding account may do
 * either; DMAPI says so for anyone else.
 */
export function registerGrantPages(scope: FastifyInstance, kit: PanelKit): void {
  scope.get('/panel/domains/:name/grants', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return reply;
    const name = (req.params as { name: string }).name;
    const r = await kit.ask(req, 'grants-list', { 'auth-sid': u.sid, domain: name });
    if (r.get('Status-Code') !== '0') return notFound(kit, reply, u, `No domain ${name} in this account.`);
    const at = `/panel/domains/${encodeURIComponent(name)}/grants`;
    // type nr scope key object_type object_name role inviter invitee-login invitee-uid email nickname
    const rows = r.body.split('\n').filter(Boolean).map((l) => l.split(' '));
    const list = rows.length
      ? html`<table><thead><tr><th scope="col">Type</th><th scope="col">Role</th><th scope="col">Who</th><th scope="col">Nickname</th><th scope="col">Scope</th><th scope="col"></th></tr></thead><tbody>
${rows.map((f) => {
  const fields = html`<input type="hidden" name="type" value="${f[0]!}"><input type="hidden" name="scope" value="${f[2]!}"><input type="hidden" name="role" value="${f[6]!}">`;
  const who = f[0] === 'grant' ? `${f[8]} (${f[10]})` : f[10]!;
  return html`<tr><td>${f[0]!}</td><td>${f[6]!}</td><td>${who}</td><td>${f[11]!}</td><td>${f[2]!}</td><td>${button(`${at}/revoke`, u.csrf, f[0] === 'grant' ? 'Revoke' : 'Withdraw', fields)}</td></tr>\n`;
})}</tbody></table>`
      : html`<p class="muted">No grants and no pending invitations.</p>`;
    const body = html`${noticeOf(req)}<p><a href="/panel/domains/${encodeURIComponent(name)}">Back to ${name}</a></p>
${list}
<h2>Invite</h2>
<form method="post" action="${at}"><input type="hidden" name="csrf" value="${u.csrf}">
<label for="email">E-mail address</label><input id="email" name="email" type="email" required size="40">
<label for="role">Role</label><select id="role" name="role">${roles.map((r) => html`<option value="${r}">${r}</option>`)}</select>
<label for="client-uid">Their account's UID (optional: a matching one applies the role at once)</label><input id="client-uid" name="client-uid" size="20">
<label for="nickname">Nickname (optional)</label><input id="nickname" name="nickname" size="30">
<p><button type="submit">Send the invitation</button></p></form>`;
    return kit.send(reply, 200, layout(`Grants of ${name}`, body, u));
  });

  scope.post('/panel/domains/:name/grants', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const name = (req.params as { name: string }).name;
    const params = { 'auth-sid': u.sid, domain: name, email: field('email').trim(), role: field('role'), ...(field('client-uid').trim() ? { 'client-uid': field('client-uid').trim() } : {}), ...(field('nickname').trim() ? { nickname: field('nickname').trim() } : {}) };
    const o = outcome(await kit.ask(req, 'grants-invite', params), `Invitation of ${params.email} as ${field('role')}`);
    return back(reply, `/panel/domains/${encodeURIComponent(name)}/grants`, o.text, o.ok);
  });

  scope.post('/panel/domains/:name/grants/revoke', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const name = (req.params as { name: string }).name;
    const o = outcome(await kit.ask(req, 'grants-revoke', { 'auth-sid': u.sid, domain: name, type: field('type'), scope: field('scope'), role: field('role') }), `Revocation of the ${field('type')} ${field('role')}`);
    return back(reply, `/panel/domains/${encodeURIComponent(name)}/grants`, o.text, o.ok);
  });
}
