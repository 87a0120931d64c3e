import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PanelUser } from './panel-routes.ts';
import type { AppDeps } from '../../app-deps.ts';
import { parseKeyValues } from '../../dmapi/reply.ts';
import { isoSeconds } from '../../core/dates.ts';
import { createApiKey, revokeApiKey, scopes } from '../../services/accounts.ts';
import type { Scope } from '../../db/schema.ts';
import { html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { button } from './operator-pages.ts';
import { back, formOf, noticeOf, outcome, signedIn, type PanelKit } from './kit.ts';

/**
 * The account: its profile (query-profile), the default autorenew of new domains
 * (user-get-property / user-set-property, the only account setting DMAPI has), and its API keys.
 * DMAPI has no request for API keys, so that part uses the service `dmapid apikey` uses, for the
 * signed-in account only and only from a full-scope session.
 */
export function registerAccountPages(scope: FastifyInstance, deps: AppDeps, kit: PanelKit): void {
  const db = deps.db;
  /** The page; `created` is a new key's clear text, shown on the create post's own answer only (never in a URL). */
  const page = async (req: FastifyRequest, u: PanelUser, created?: string) => {
    const [profile, prop, keys] = await Promise.all([
      kit.ask(req, 'query-profile', { 'auth-sid': u.sid }),
      kit.ask(req, 'user-get-property', { 'auth-sid': u.sid, pname: 'autorenew' }),
      db.selectFrom('api_keys').select(['id', 'key_prefix', 'scope', 'label', 'created_at', 'revoked_at']).where('account_id', '=', u.accountId).orderBy('id').execute(),
    ]);
    const autorenew = new Map(parseKeyValues(prop.body)).get('user.property.autorenew') === '1';
    const body = html`${noticeOf(req)}
<h2>Profile</h2>
<dl>${parseKeyValues(profile.body).filter(([, v]) => v.trim() !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<p class="muted">DMAPI has no request that changes the profile; the operator changes it.</p>
<h2>New domains</h2>
<p>New domains ${autorenew ? 'renew automatically' : 'do not renew automatically'} unless the registration says otherwise.
${button('/panel/account/autorenew', u.csrf, autorenew ? 'Turn default autorenew off' : 'Turn default autorenew on', html`<input type="hidden" name="pvalue" value="${autorenew ? '0' : '1'}">`)}</p>
<h2>API keys</h2>
${created ? html`<p role="status" class="key">New API key (shown only now, keep it): <code>${created}</code></p>` : html``}
${keys.length === 0 ? html`<p class="muted">No API keys.</p>` : html`<table><thead><tr><th scope="col">Key</th><th scope="col">Starts with</th><th scope="col">Scope</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Status</th></tr></thead><tbody>
${keys.map((k) => html`<tr><td>${String(k.id)}</td><td><code>${k.key_prefix}…</code></td><td>${k.scope}</td><td>${k.label}</td><td>${isoSeconds(k.created_at)}</td><td>${k.revoked_at === null ? button(`/panel/account/keys/${k.id}/revoke`, u.csrf, `Revoke key ${k.id}`) : `revoked ${isoSeconds(k.revoked_at)}`}</td></tr>\n`)}</tbody></table>`}
<form method="post" action="/panel/account/keys"><input type="hidden" name="csrf" value="${u.csrf}">
<label for="key-scope">Scope</label><select id="key-scope" name="scope">${scopes.map((s) => html`<option value="${s}">${s}</option>`)}</select>
<label for="key-label">Label (what the key is for)</label><input id="key-label" name="label" size="40" maxlength="100">
<p><button type="submit">Create an API key</button></p></form>
<p class="muted">read-only keys never change anything; modify-only keys never cost money. Revoking a key ends its sessions.</p>`;
    return layout('Account', body, u);
  };
  scope.get('/panel/account', async (req, reply) => {
    const u = await signedIn(kit, req, reply);
    return u ? kit.send(reply, 200, await page(req, u)) : reply;
  });

  scope.post('/panel/account/autorenew', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    const o = outcome(await kit.ask(req, 'user-set-property', { 'auth-sid': u.sid, pname: 'autorenew', pvalue: field('pvalue') === '1' ? '1' : '0' }), 'Default autorenew');
    return back(reply, '/panel/account', o.text, o.ok);
  });

  scope.post('/panel/account/keys', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    if (u.scope !== 'full') return back(reply, '/panel/account', `this session's scope is ${u.scope}: only a full-scope session manages API keys`, false);
    const keyScope = field('scope');
    if (!(scopes as readonly string[]).includes(keyScope)) return back(reply, '/panel/account', `scope must be one of ${scopes.join(', ')}`, false);
    const k = await createApiKey(db, u.accountId, keyScope as Scope, field('label').trim().slice(0, 100), deps.clock.now());
    // Shown once, in this answer (no-store): a redirect would put the key in a URL.
    return kit.send(reply, 200, await page(req, u, k.key));
  });

  scope.post('/panel/account/keys/:id/revoke', async (req, reply) => {
    const field = formOf(req);
    const u = await signedIn(kit, req, reply, field('csrf'));
    if (!u) return reply;
    if (u.scope !== 'full') return back(reply, '/panel/account', `this session's scope is ${u.scope}: only a full-scope session manages API keys`, false);
    const id = Number((req.params as { id: string }).id);
    const own = Number.isSafeInteger(id) ? await db.selectFrom('api_keys').select('id').where('id', '=', id).where('account_id', '=', u.accountId).executeTakeFirst() : undefined;
    // Another account's key is answered as a missing one.
    if (!own || !(await revokeApiKey(db, id, deps.clock.now()))) return back(reply, '/panel/account', `no active API key ${String((req.params as { id: string }).id)} in this account`, false);
    return back(reply, '/panel/account', `API key ${id} revoked; its sessions ended`);
  });
}
