import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app-deps.ts';
import type { Dispatcher } from '../../dmapi/dispatch.ts';
import { parseKeyValues, parseReply } from '../../dmapi/reply.ts';
import { DAY } from '../../core/clock.ts';
import { tokenHash } from '../../core/password.ts';
import { html } from '../html.ts';
import { dashboard, domainList, domainPage, forgedPost, layout, loginForm, ordersPage, resultsPage, zoneEditor } from './panel-pages.ts';
import { panelStyle } from './panel-style.ts';
import { servedRecords } from './served-records.ts';
import { createZoneSource } from '../../zone/zone-source.ts';
import { registerOperatorPages } from './operator-routes.ts';
import { noticeOf, type PanelKit } from './kit.ts';
import { registerOrderPages } from './order-pages.ts';
import { registerContactPages } from './contact-pages.ts';
import { registerNsPages } from './ns-pages.ts';
import { registerGrantPages } from './grant-pages.ts';
import { bulkDomainTable, registerBulkPages } from './bulk-pages.ts';
import { registerAccountPages } from './account-pages.ts';
import { registerSandboxPages } from './sandbox-pages.ts';
import { registerOperatorMorePages, type TaskRuns } from './operator-more-pages.ts';

const COOKIE = 'dmapid-panel';
const PAGE_SIZE = 50;
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Who a console page is for. */
export interface PanelUser {
  sid: string;
  login: string;
  csrf: string;
  operator: boolean;
  sandbox: boolean;
  accountId: number;
  /** The DMAPI session's scope: a console page never does more than the session may. */
  scope: string;
}

/** The CSRF token of a session: derived from its id, which only the browser's HttpOnly cookie holds. */
export const csrfToken = (sid: string) => createHash('sha256').update(`panel-csrf:${sid}`).digest('hex').slice(0, 32);

/**
 * The web console at /panel/ (first part: log in, dashboard, domains, a domain's page, log out).
 * Every read and action is a DMAPI request through the dispatcher with the console session's
 * Auth-Sid, so tenancy, scopes and results are exactly DMAPI's.
 */
export async function registerPanel(http: FastifyInstance, deps: AppDeps, dispatcher: Dispatcher, taskRuns: () => TaskRuns = () => []): Promise<void> {
  const secure = new URL(deps.config.publicUrl).protocol === 'https:';
  const send = (reply: FastifyReply, status: number, page: string) =>
    reply
      .code(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Content-Security-Policy', CSP)
      .header('X-Frame-Options', 'DENY')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'same-origin')
      .send(page);
  const cookie = (sid: string, maxAge?: number) => `${COOKIE}=${sid}; Path=/panel; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;
  const sidOf = (req: FastifyRequest) => /(?:^|;\s*)dmapid-panel=([0-9a-f]{16,128})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];

  /** One DMAPI request as the console's user; the parsed reply. */
  const ask = async (req: FastifyRequest, name: string, params: Record<string, string>) => {
    const out = await dispatcher.dispatch({ name, params, ip: req.ip });
    return parseReply(out.text);
  };
  const toLogin = (reply: FastifyReply) => reply.code(303).header('Location', '/panel/login').header('Set-Cookie', cookie('', 0)).send();

  /** The signed-in user of a page; undefined when the session is gone (the page then sends the login form). */
  async function who(req: FastifyRequest): Promise<PanelUser | undefined> {
    const sid = sidOf(req);
    if (!sid) return undefined;
    const profile = await ask(req, 'query-profile', { 'auth-sid': sid });
    if (profile.get('Status-Code') !== '0') return undefined;
    const login = new Map(parseKeyValues(profile.body)).get('login') ?? '';
    const session = await deps.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['accounts.id', 'accounts.role', 'sessions.scope'])
      .where('sessions.id', '=', tokenHash(sid))
      .executeTakeFirst();
    if (!session) return undefined;
    return { sid, login, csrf: csrfToken(sid), operator: session.role === 'operator', sandbox: deps.config.sandbox, accountId: session.id, scope: session.scope };
  }
  // What the DNS server answers now, read the way it reads it (only shown after dns-zone-get succeeded for the account).
  const zones = createZoneSource(deps);
  const served = async (name: string) => servedRecords(await zones.findZone(name.toLowerCase()));
  const resultRows = (body: string) => body.split('\n').filter(Boolean).map((l) => l.split(' ')).map((f) => [f[0]!, f[2]!, f[3]!, f[4]!, f[5]!]);

  await http.register(async (scope) => {
    scope.get('/panel/style.css', async (_req, reply) => reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'max-age=3600').send(panelStyle));

    scope.get('/panel/login', async (_req, reply) => send(reply, 200, layout('Log in', loginForm())));
    scope.post('/panel/login', async (req, reply) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof form.username === 'string' ? form.username : '';
      const password = typeof form.password === 'string' ? form.password : '';
      const r = await ask(req, 'login', { username, password });
      const sid = r.get('Auth-Sid');
      if (r.get('Status-Code') !== '0' || !sid) return send(reply, 401, layout('Log in', loginForm(r.all('Error')[0] ?? 'login failed')));
      return reply.code(303).header('Location', '/panel/').header('Set-Cookie', cookie(sid)).send();
    });
    scope.post('/panel/logout', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const form = (req.body ?? {}) as Record<string, unknown>;
      if (form.csrf !== u.csrf) return send(reply, 403, layout('Not allowed', forgedPost, u));
      await ask(req, 'logout', { 'auth-sid': u.sid });
      return toLogin(reply);
    });

    scope.get('/panel/', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const [balance, results, domains] = await Promise.all([
        ask(req, 'query-account-balance', { 'auth-sid': u.sid }),
        ask(req, 'result-list', { 'auth-sid': u.sid, pending: '1', showall: '1' }),
        ask(req, 'query-domain-list', { 'auth-sid': u.sid }),
      ]);
      const [available = '', reserved = '', , currency = ''] = balance.body.trim().split('\t');
      const rows = resultRows(results.body);
      const now = deps.clock.now();
      const expiries = domains.body.split('\n').filter(Boolean).map((l) => Date.parse(`${l.split(' ')[1]}T00:00:00Z`));
      const expiring = [30, 60, 90].map((days): [number, number] => [days, expiries.filter((t) => t >= now && t <= now + days * DAY).length]);
      const page = dashboard({ available, reserved, currency, pending: rows.filter((r) => r[4] === '?').length, expiring, recentResults: rows.slice(0, 10) });
      return send(reply, 200, layout('Dashboard', page, u));
    });

    scope.get('/panel/domains', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const query = req.query as Record<string, string | undefined>;
      const q = (query.q ?? '').trim().slice(0, 100);
      const page = Math.max(1, Math.min(1_000_000, Number.parseInt(query.page ?? '1', 10) || 1));
      const from = (page - 1) * PAGE_SIZE + 1;
      // One more than a page: whether there is a next one.
      const r = await ask(req, 'query-domain-list', { 'auth-sid': u.sid, showstatus: '1', from: String(from), to: String(from + PAGE_SIZE), ...(q ? { pattern: `*${q.replace(/[*?]/g, '')}*` } : {}) });
      const rows = r.body.split('\n').filter(Boolean).map((l) => l.split(' '));
      return send(reply, 200, layout('Domains', domainList(bulkDomainTable(rows.slice(0, PAGE_SIZE), u.csrf), q, page, rows.length > PAGE_SIZE), u));
    });

    scope.get('/panel/domains/:name', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const name = (req.params as { name: string }).name;
      const whois = await ask(req, 'query-whois', { 'auth-sid': u.sid, domain: name });
      if (whois.get('Status-Code') !== '0') return send(reply, 404, layout('Not found', html`<p>No domain ${name} in this account.</p>`, u));
      const results = await ask(req, 'result-list', { 'auth-sid': u.sid, objid: name, showall: '1', pending: '1' });
      const fields = parseKeyValues(whois.body).map(([k, v]): [string, string] => [k.replace(/^domain\./, ''), v]);
      return send(reply, 200, layout(name, domainPage(name, fields, resultRows(results.body)), u));
    });

    const zonePage = async (req: FastifyRequest, reply: FastifyReply, posted?: { zone: string; csrf: unknown }) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const name = (req.params as { name: string }).name;
      const title = `Zone of ${name}`;
      if (posted) {
        if (posted.csrf !== u.csrf) return send(reply, 403, layout('Not allowed', forgedPost, u));
        const put = await ask(req, 'dns-zone-put', { 'auth-sid': u.sid, domain: name, zone: posted.zone });
        if (put.get('Status-Code') !== '0') return send(reply, 400, layout(title, html`${zoneEditor({ name, zone: posted.zone, csrf: u.csrf, errors: put.all('Error') })}${await served(name)}`, u));
        const saved = `Saved (Proc-ID ${put.get('Proc-ID')}); the name servers answer with it now.`;
        const got = await ask(req, 'dns-zone-get', { 'auth-sid': u.sid, domain: name });
        return send(reply, 200, layout(title, html`${zoneEditor({ name, zone: got.body, csrf: u.csrf, errors: [], saved })}${await served(name)}`, u));
      }
      const got = await ask(req, 'dns-zone-get', { 'auth-sid': u.sid, domain: name });
      if (got.get('Status-Code') !== '0') return send(reply, 404, layout(title, zoneEditor({ name, zone: '', csrf: u.csrf, errors: [], missing: got.all('Error')[0] ?? 'no zone' }), u));
      return send(reply, 200, layout(title, html`${zoneEditor({ name, zone: got.body, csrf: u.csrf, errors: [] })}${await served(name)}`, u));
    };
    scope.get('/panel/results', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const rows = resultRows((await ask(req, 'result-list', { 'auth-sid': u.sid, showall: '1', pending: '1', limit: '200' })).body);
      const pending = rows.filter((r) => r[4] === '?').length;
      return send(reply, 200, layout('Results', html`${noticeOf(req)}${resultsPage(rows, pending)}`, u, pending ? { refreshSeconds: 5 } : {}));
    });

    scope.get('/panel/orders', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const r = await ask(req, 'query-order-list', { 'auth-sid': u.sid, separator: 'tab' });
      const columns = (r.get('Columns') ?? '').split(',').filter(Boolean);
      const rows = r.body.split('\n').filter(Boolean).map((l) => l.split('\t'));
      return send(reply, 200, layout('Orders', ordersPage(columns, rows), u));
    });
    scope.get('/panel/orders.csv', async (req, reply) => {
      const u = await who(req);
      if (!u) return toLogin(reply);
      const out = await dispatcher.dispatch({ name: 'query-order-list', params: { 'auth-sid': u.sid, csv: '1' }, ip: req.ip });
      if (!out.download) return send(reply, 503, layout('Orders', html`<p class="error">The order list could not be made.</p>`, u));
      return reply.header('Content-Type', out.download.contentType).header('Content-Disposition', `attachment; filename="${out.download.filename}"`).header('Cache-Control', 'no-store').send(out.text);
    });

    const kit: PanelKit = { who, send, toLogin, ask };
    registerOperatorPages(scope, deps, kit);
    registerOrderPages(scope, kit, deps.config.dnsNameservers);
    registerContactPages(scope, kit);
    registerNsPages(scope, kit);
    registerGrantPages(scope, kit);
    registerBulkPages(scope, kit);
    registerAccountPages(scope, deps, kit);
    registerSandboxPages(scope, deps, kit);
    registerOperatorMorePages(scope, deps, kit, taskRuns);
    // Any other /panel/ address (the sandbox pages when DMAPID_SANDBOX=off among them): the console's
    // own 404, not the DMAPI listener's plain-text answer.
    scope.all('/panel/*', async (req, reply) => send(reply, 404, layout('Not found', html`<p>No such page.</p>`, await who(req))));
    scope.get('/panel/domains/:name/zone', (req, reply) => zonePage(req, reply));
    scope.post('/panel/domains/:name/zone', (req, reply) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      return zonePage(req, reply, { zone: typeof form.zone === 'string' ? form.zone : '', csrf: form.csrf });
    });
  });
}
