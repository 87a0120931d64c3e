import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app-deps.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { isoSeconds } from '../../core/dates.ts';
import { advanceClockOffset, readClockOffset } from '../../core/settings-clock.ts';
import { topUp } from '../../billing/ledger.ts';
import { setAccountStatus } from '../../services/accounts.ts';
import { listMail } from '../../mail/outbox.ts';
import { retryFailedJob } from '../../jobs/retry.ts';
import { html } from '../html.ts';
import { forgedPost, layout } from './panel-pages.ts';
import { back, formOf, signedIn, type PanelKit } from './kit.ts';
import type { PanelUser } from './panel-routes.ts';
import { clockPage, clockPresets, operatorPage } from './operator-pages.ts';

export type OperatorKit = Pick<PanelKit, 'who' | 'send' | 'toLogin'>;

/**
 * The operator's pages (accounts, jobs, outbox) and, in a sandbox, the clock. An account with the
 * operator role only (`dmapid account role <login> operator`); anyone else gets 404, as for a page
 * that does not exist. They use the same services as the operator CLI.
 */
export function registerOperatorPages(scope: FastifyInstance, deps: AppDeps, kit: OperatorKit): void {
  // Not an operator: 404 before anything else, as for a page that does not exist.
  const operator = async (req: FastifyRequest, reply: FastifyReply, csrf?: string) => {
    const u = await signedIn(kit, req, reply);
    if (!u) return undefined;
    if (!u.operator) {
      kit.send(reply, 404, layout('Not found', html`<p>No such page.</p>`, u));
      return undefined;
    }
    if (csrf !== undefined && csrf !== u.csrf) {
      kit.send(reply, 403, layout('Not allowed', forgedPost, u));
      return undefined;
    }
    return u;
  };
  const noticeOf = (req: FastifyRequest) => (req.query as Record<string, string | undefined>).notice?.slice(0, 300);

  scope.get('/panel/operator/', async (req, reply) => {
    const u = await operator(req, reply);
    if (!u) return reply;
    const db = deps.db;
    const [accounts, counts, failed, mails] = await Promise.all([
      db.selectFrom('accounts').select(['login', 'email', 'balance', 'reserved', 'currency', 'status', 'role']).orderBy('login').limit(500).execute(),
      db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').orderBy('status').execute(),
      db.selectFrom('jobs').select(['id', 'kind', 'last_error']).where('status', '=', 'failed').orderBy('id', 'desc').limit(50).execute(),
      listMail(db, { limit: 20 }),
    ]);
    const page = operatorPage({
      csrf: u.csrf,
      ...(noticeOf(req) ? { notice: noticeOf(req)! } : {}),
      accounts: accounts.map((a) => ({ login: a.login, email: a.email, balance: formatAmount(a.balance - a.reserved, a.currency), currency: a.currency, status: a.status, role: a.role })),
      jobCounts: counts.map((c) => [c.status, Number(c.n)]),
      failed: failed.map((j) => ({ id: j.id, kind: j.kind, error: j.last_error ?? '' })),
      mails: mails.map((m) => [String(m.id), isoSeconds(m.created_at), m.status, m.to_address, m.kind, m.subject]),
    });
    return kit.send(reply, 200, layout('Operator', page, u));
  });

  const accountOf = (req: FastifyRequest) => deps.db.selectFrom('accounts').selectAll().where('login', '=', (req.params as { login: string }).login).executeTakeFirst();

  scope.post('/panel/operator/accounts/:login/credit', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const a = await accountOf(req);
    if (!a) return back(reply, '/panel/operator/', 'no such account');
    const minor = parseAmount(field('amount'), a.currency);
    if (minor === undefined || minor === 0) return back(reply, '/panel/operator/', `${field('amount') || 'nothing'} is not a non-zero amount in ${a.currency}`);
    const r = await topUp(deps.db, { accountId: a.id, amount: minor, now: deps.clock.now(), note: `console: ${u.login}` });
    return back(reply, '/panel/operator/', `${a.login} credited ${formatAmount(minor, a.currency)} ${a.currency}: balance ${formatAmount(r.balance, a.currency)}`);
  });

  scope.post('/panel/operator/accounts/:login/status', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const a = await accountOf(req);
    const status = field('status');
    if (!a || (status !== 'active' && status !== 'disabled')) return back(reply, '/panel/operator/', 'no such account or status');
    if (a.login === u.login) return back(reply, '/panel/operator/', 'an operator cannot disable the account it is using');
    await setAccountStatus(deps.db, a.id, status, deps.clock.now());
    return back(reply, '/panel/operator/', `${a.login} ${status === 'active' ? 'enabled' : 'disabled (its sessions ended)'}`);
  });

  scope.post('/panel/operator/jobs/:id/retry', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const id = Number((req.params as { id: string }).id);
    try {
      const { kind } = await retryFailedJob(deps.db, id, deps.clock.now());
      deps.wake();
      return back(reply, '/panel/operator/', `job ${id} (${kind}) queued again`);
    } catch (err) {
      return back(reply, '/panel/operator/', err instanceof Error ? err.message : String(err));
    }
  });

  if (!deps.config.sandbox) return;
  const clock = async (req: FastifyRequest, reply: FastifyReply, u: PanelUser) => {
    const offset = await readClockOffset(deps.db);
    const queued = await deps.db.selectFrom('jobs').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'queued').groupBy('kind').orderBy('kind').execute();
    const page = clockPage({ csrf: u.csrf, now: isoSeconds(deps.clock.now()), offsetDays: (offset / 86_400_000).toFixed(2), ...(noticeOf(req) ? { notice: noticeOf(req)! } : {}), queued: queued.map((q) => [q.kind, Number(q.n)]) });
    return kit.send(reply, 200, layout('Sandbox clock', page, u));
  };
  scope.get('/panel/sandbox/clock', async (req, reply) => {
    const u = await operator(req, reply);
    return u ? clock(req, reply, u) : reply;
  });
  scope.post('/panel/sandbox/clock', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const preset = clockPresets.find(([, ms]) => String(ms) === field('ms'));
    if (!preset) return back(reply, '/panel/sandbox/clock', 'choose one of the buttons');
    await advanceClockOffset(deps.db, preset[1]);
    await deps.syncClock();
    // The worker sees the new time at its next round: wake it so the lifecycle runs now.
    deps.wake();
    return back(reply, '/panel/sandbox/clock', `moved forward ${preset[0]}`);
  });
}
