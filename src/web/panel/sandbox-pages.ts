import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app-deps.ts';
import { isoDate, isoSeconds } from '../../core/dates.ts';
import { OWN_REGISTRAR, RegistryError, simulatorOf } from '../../registry/index.ts';
import { registryCli } from '../../cli/registry.ts';
import { transferCli } from '../../cli/transfers.ts';
import { listTransferPolicies, transferAnswers } from '../../services/transfer-policy.ts';
import { formatMail, getMail, listMail } from '../../mail/outbox.ts';
import { html, type Html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { button } from './operator-pages.ts';
import { back, formOf, noticeOf, notFound, signedIn, type PanelKit } from './kit.ts';
import type { PanelUser } from './panel-routes.ts';

const errorText = (err: unknown) => (err instanceof RegistryError ? `the registry refused: ${err.message} (EPP ${err.code})` : err instanceof Error ? err.message : String(err));

/** A mail's text with its answer-page links made clickable (relative: the pages are on this listener). */
export function mailWithLinks(text: string, publicUrl: string): Html {
  const base = publicUrl.replace(/\/+$/, '');
  const parts: Html[] = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"]+\/answer\/[a-z-]+\/[A-Za-z0-9_%-]+/g)) {
    const url = m[0];
    const href = url.startsWith(`${base}/answer/`) ? url.slice(base.length) : undefined;
    parts.push(html`${text.slice(last, m.index)}`, href ? html`<a href="${href}">${url}</a>` : html`${url}`);
    last = m.index + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`<pre class="mail">${parts}</pre>`;
}

/**
 * The integrators' side of the sandbox (DMAPID_SANDBOX=on only): the simulated registry — foreign
 * registrars' names to transfer in, their auth codes, their answer to a pending transfer-in, a
 * foreign registrar asking for one of the account's domains — and the mails the sandbox wrote,
 * with their answer links. The same services as `dmapid registry …` and `dmapid mail …`. A
 * reseller sees and answers only its own transfers and mails; the transfer policies (which hold
 * for every account) are the operator's.
 */
export function registerSandboxPages(scope: FastifyInstance, deps: AppDeps, kit: PanelKit): void {
  if (!deps.config.sandbox) return;
  const db = deps.db;
  const sim = () => simulatorOf(deps);
  const sandboxUser = async (req: FastifyRequest, reply: FastifyReply, csrf?: string) => signedIn(kit, req, reply, csrf);

  const registryPage = async (req: FastifyRequest, u: PanelUser, shown: Html = html``) => {
    const [registrars, domains, policies] = await Promise.all([sim().listRegistrars(db), sim().listDomains(db), listTransferPolicies(db)]);
    const foreign = registrars.filter((r) => r.id !== OWN_REGISTRAR);
    let open = db.selectFrom('transfers_in').select(['id', 'domain', 'state', 'losing_registrar', 'registry_act_by']).where('outcome', '=', 'open');
    if (!u.operator) open = open.where('account_id', '=', u.accountId);
    const transfers = await open.orderBy('id', 'desc').limit(100).execute();
    const options = foreign.map((r) => html`<option value="${r.id}">${r.id} (${r.name})</option>`);
    const answer = (domain: string, a: 'approve' | 'reject') => button('/panel/sandbox/registry/answer', u.csrf, `${a === 'approve' ? 'Approve' : 'Reject'} ${domain}`, html`<input type="hidden" name="domain" value="${domain}"><input type="hidden" name="answer" value="${a}">`);
    const body = html`${noticeOf(req)}${shown}
<h2>Plant a foreign registrar's domain</h2>
<form method="post" action="/panel/sandbox/registry/domains"><input type="hidden" name="csrf" value="${u.csrf}">
<label for="sim-name">Domain</label><input id="sim-name" name="name" required size="40">
<label for="sim-registrar">Sponsoring registrar</label><select id="sim-registrar" name="registrar">${options}</select>
<label for="sim-auth">Auth code (empty: none; ask for one below)</label><input id="sim-auth" name="auth" size="30" autocomplete="off">
<label for="sim-created">Registered on (YYYY-MM-DD, empty: a year ago; a transfer needs 60 days)</label><input id="sim-created" name="created" size="12">
<p><button type="submit">Plant the domain</button></p></form>
<h2>Transfers in waiting for the losing registrar</h2>
${transfers.length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Domain</th><th scope="col">State</th><th scope="col">Losing registrar</th><th scope="col">Approved by the registry at</th><th scope="col">Answer as that registrar</th></tr></thead><tbody>
${transfers.map((t) => html`<tr><td class="name">${t.domain}</td><td>${t.state}</td><td>${t.losing_registrar ?? '-'}</td><td>${t.registry_act_by ? isoSeconds(t.registry_act_by) : '-'}</td><td>${t.state === 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING' ? html`${answer(t.domain, 'approve')} ${answer(t.domain, 'reject')}` : html`<span class="muted">not at the registry yet</span>`}</td></tr>\n`)}</tbody></table>`}
<h2>A foreign registrar asks for one of your domains</h2>
<form method="post" action="/panel/sandbox/registry/transfer-out"><input type="hidden" name="csrf" value="${u.csrf}">
<label for="out-domain">Your domain</label><input id="out-domain" name="domain" required size="40">
<label for="out-to">Gaining registrar</label><select id="out-to" name="to">${options}</select>
<label for="out-auth">Its auth code (domain-transfer-get-auth-id)</label><input id="out-auth" name="auth" size="30" autocomplete="off">
<p><button type="submit">Request the transfer away</button></p>
<p class="muted">You are asked as the losing side (domain-transfer-control action=reject-out); without an answer the domain goes after 5 days.</p></form>
<h2>How foreign registrars answer transfers away from them</h2>
<table><thead><tr><th scope="col">Registrar</th><th scope="col">Answer</th><th scope="col">After</th>${u.operator ? html`<th scope="col">Change</th>` : html``}</tr></thead><tbody>
${policies.map((p) => html`<tr><td>${p.registrar}</td><td>${p.answer}</td><td>${p.answer === 'silent' ? '5 days (the registry approves)' : `${p.delayMs / 1000} s`}</td>${u.operator ? html`<td>${transferAnswers.map((a) => html`${button('/panel/sandbox/registry/policy', u.csrf, `${p.registrar}: ${a}`, html`<input type="hidden" name="registrar" value="${p.registrar}"><input type="hidden" name="answer" value="${a}">`)} `)}</td>` : html``}</tr>\n`)}</tbody></table>
<h2>Foreign registrars' domains</h2>
${domains.filter((d) => d.sponsor !== OWN_REGISTRAR).length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Domain</th><th scope="col">Registrar</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col"></th></tr></thead><tbody>
${domains.filter((d) => d.sponsor !== OWN_REGISTRAR).slice(0, 200).map((d) => html`<tr><td class="name">${d.name}</td><td>${d.sponsor}</td><td>${isoDate(d.expiresAt)}</td><td>${d.statuses.replace(/,/g, ', ') || '-'}</td><td><form class="inline" method="post" action="/panel/sandbox/registry/auth-code"><input type="hidden" name="csrf" value="${u.csrf}"><input type="hidden" name="domain" value="${d.name}"><button type="submit">Auth code<span class="sr"> of ${d.name}</span></button></form></td></tr>\n`)}</tbody></table>`}`;
    return layout('Sandbox registry', body, u);
  };
  /** Runs a CLI step in one transaction; its lines, or the error's text. */
  const step = async (fn: (c: { db: typeof db; now: number; sim: ReturnType<typeof sim> }) => Promise<string[]>): Promise<{ ok: boolean; text: string }> => {
    try {
      const lines = await db.transaction().execute((trx) => fn({ db: trx, now: deps.clock.now(), sim: sim() }));
      deps.wake();
      return { ok: true, text: lines.join('; ') };
    } catch (err) {
      return { ok: false, text: errorText(err) };
    }
  };

  scope.get('/panel/sandbox/registry', async (req, reply) => {
    const u = await sandboxUser(req, reply);
    return u ? kit.send(reply, 200, await registryPage(req, u)) : reply;
  });
  scope.post('/panel/sandbox/registry/domains', async (req, reply) => {
    const field = formOf(req);
    const u = await sandboxUser(req, reply, field('csrf'));
    if (!u) return reply;
    const created = field('created').trim() || isoDate(deps.clock.now() - 365 * 86_400_000);
    const o = await step((c) => registryCli.addDomain(c, field('name').trim().toLowerCase(), { registrar: field('registrar'), created, ...(field('auth').trim() ? { authCode: field('auth').trim() } : {}) }));
    return back(reply, '/panel/sandbox/registry', o.text, o.ok);
  });
  scope.post('/panel/sandbox/registry/auth-code', async (req, reply) => {
    const field = formOf(req);
    const u = await sandboxUser(req, reply, field('csrf'));
    if (!u) return reply;
    const domain = field('domain');
    const foreign = (await sim().listDomains(db)).find((d) => d.name === domain && d.sponsor !== OWN_REGISTRAR);
    if (!foreign) return back(reply, '/panel/sandbox/registry', `${domain} is not a foreign registrar's domain`, false);
    const o = await step((c) => registryCli.authCode(c, domain));
    // Shown in this answer only: a redirect would put the code in a URL.
    const shown = o.ok ? html`<p role="status">Auth code of ${domain} (from ${foreign.sponsor}): <code>${o.text}</code></p>` : html`<p class="error" role="alert">${o.text}</p>`;
    return kit.send(reply, o.ok ? 200 : 400, await registryPage(req, u, shown));
  });
  scope.post('/panel/sandbox/registry/answer', async (req, reply) => {
    const field = formOf(req);
    const u = await sandboxUser(req, reply, field('csrf'));
    if (!u) return reply;
    const domain = field('domain');
    const a = field('answer');
    let mine = db.selectFrom('transfers_in').select('id').where('domain', '=', domain).where('outcome', '=', 'open');
    if (!u.operator) mine = mine.where('account_id', '=', u.accountId);
    if ((a !== 'approve' && a !== 'reject') || !(await mine.executeTakeFirst())) return back(reply, '/panel/sandbox/registry', `no open transfer of ${domain} in this account`, false);
    const o = await step((c) => registryCli.answerTransfer(c, domain, a));
    return back(reply, '/panel/sandbox/registry', o.ok ? `${o.text}; the platform sees it at its next look at the registry` : o.text, o.ok);
  });
  scope.post('/panel/sandbox/registry/transfer-out', async (req, reply) => {
    const field = formOf(req);
    const u = await sandboxUser(req, reply, field('csrf'));
    if (!u) return reply;
    const domain = field('domain').trim().toLowerCase();
    let held = db.selectFrom('domains').select('id').where('name', '=', domain);
    if (!u.operator) held = held.where('account_id', '=', u.accountId);
    if (!(await held.executeTakeFirst())) return back(reply, '/panel/sandbox/registry', `no domain ${domain} in this account`, false);
    try {
      const lines = await transferCli.transferOut({ db, now: deps.clock.now(), deps }, domain, { to: field('to'), ...(field('auth').trim() ? { auth: field('auth').trim() } : {}) });
      deps.wake();
      return back(reply, '/panel/sandbox/registry', lines.join('; '), !/rejected by this registrar/.test(lines.join(' ')));
    } catch (err) {
      return back(reply, '/panel/sandbox/registry', errorText(err), false);
    }
  });
  scope.post('/panel/sandbox/registry/policy', async (req, reply) => {
    const field = formOf(req);
    const u = await sandboxUser(req, reply, field('csrf'));
    if (!u) return reply;
    if (!u.operator) return notFound(kit, reply, u, 'No such page.');
    try {
      const lines = await transferCli.setPolicy({ db, now: deps.clock.now(), deps }, field('registrar'), field('answer'), {});
      return back(reply, '/panel/sandbox/registry', lines.join('; '));
    } catch (err) {
      return back(reply, '/panel/sandbox/registry', errorText(err), false);
    }
  });

  scope.get('/panel/sandbox/mail', async (req, reply) => {
    const u = await sandboxUser(req, reply);
    if (!u) return reply;
    const mails = await listMail(db, { limit: 100, ...(u.operator ? {} : { accountId: u.accountId }) });
    const body = mails.length === 0
      ? html`<p class="muted">No mail.</p>`
      : html`<table><thead><tr><th scope="col">Mail</th><th scope="col">Written</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th></tr></thead><tbody>
${mails.map((m) => html`<tr><td><a href="/panel/sandbox/mail/${String(m.id)}">${String(m.id)}</a></td><td>${isoSeconds(m.created_at)}</td><td>${m.to_address}</td><td>${m.subject}</td><td>${m.status}</td></tr>\n`)}</tbody></table>`;
    return kit.send(reply, 200, layout('Sandbox mail', html`<p class="muted">What the sandbox wrote${u.operator ? '' : ' for this account'}: FOA and verification requests, invitations, notices. Their answer links open the answer pages.</p>${body}`, u));
  });
  scope.get('/panel/sandbox/mail/:id', async (req, reply) => {
    const u = await sandboxUser(req, reply);
    if (!u) return reply;
    const id = Number((req.params as { id: string }).id);
    const m = Number.isSafeInteger(id) ? await getMail(db, id) : undefined;
    if (!m || (!u.operator && m.account_id !== u.accountId)) return notFound(kit, reply, u, 'No such mail for this account.');
    return kit.send(reply, 200, layout(`Mail ${id}`, html`<p><a href="/panel/sandbox/mail">All mail</a> · status ${m.status}</p>${mailWithLinks(formatMail(m), deps.config.publicUrl)}`, u));
  });
}
