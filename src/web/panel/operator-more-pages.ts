import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app-deps.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate, isoSeconds, parseIsoDate } from '../../core/dates.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { parseOperation, priceOperations, promoOperations, type PromoOperation } from '../../billing/operations.ts';
import { findPrice, listPrices, setPrice } from '../../billing/prices.ts';
import { addPromo, deletePromo, listPromos } from '../../billing/promos.ts';
import { framesOfJob } from '../../registry/frames.ts';
import { maskedPayload } from '../../cli/jobs.ts';
import type { TaskRun } from '../../jobs/worker.ts';
import { html } from '../html.ts';
import { layout } from './panel-pages.ts';
import { button } from './operator-pages.ts';
import { back, formOf, noticeOf, notFound, queryOf, signedIn, type PanelKit } from './kit.ts';
import type { PanelUser } from './panel-routes.ts';

export type TaskRuns = Array<{ task: string; everyMs: number; last: TaskRun | undefined }>;

const th = (...names: string[]) => html`<thead><tr>${names.map((n) => html`<th scope="col">${n}</th>`)}</tr></thead>`;
const every = (ms: number) => (ms % DAY === 0 ? `${ms / DAY} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);

/**
 * More operator pages: prices and promos (the services of `dmapid price|promo`), one job with its
 * registry frames (`dmapid job show`), transfers waiting for an answer, and the periodic
 * lifecycle tasks' last runs in this process. Operators only; anyone else gets 404.
 */
export function registerOperatorMorePages(scope: FastifyInstance, deps: AppDeps, kit: PanelKit, taskRuns: () => TaskRuns): void {
  const db = deps.db;
  const operator = async (req: FastifyRequest, reply: FastifyReply, csrf?: string): Promise<PanelUser | undefined> => {
    const u = await signedIn(kit, req, reply, csrf);
    if (u && !u.operator) {
      notFound(kit, reply, u, 'No such page.');
      return undefined;
    }
    return u;
  };

  scope.get('/panel/operator/prices', async (req, reply) => {
    const u = await operator(req, reply);
    if (!u) return reply;
    const tld = queryOf(req)('tld').trim().toLowerCase().replace(/^\./, '');
    const now = deps.clock.now();
    const [prices, promos] = await Promise.all([listPrices(db, tld ? { tld } : {}), listPromos(db, { type: 'all', now, ...(tld ? { tld } : {}) })]);
    const opOptions = (ops: readonly string[]) => ops.map((o) => html`<option value="${o}">${o}</option>`);
    const body = html`${noticeOf(req)}
<form method="get" action="/panel/operator/prices" role="search"><label for="tld-filter">TLD</label> <input id="tld-filter" name="tld" value="${tld}" size="10"> <button type="submit">Show</button></form>
<h2>Prices (netto, per year)</h2>
<form method="post" action="/panel/operator/prices" class="row"><input type="hidden" name="csrf" value="${u.csrf}">
<div><label for="p-tld">TLD</label><input id="p-tld" name="tld" required size="8"></div>
<div><label for="p-op">Operation</label><select id="p-op" name="operation">${opOptions(priceOperations)}</select></div>
<div><label for="p-amount">Amount</label><input id="p-amount" name="amount" required size="8" inputmode="decimal"></div>
<div><label for="p-currency">Currency</label><input id="p-currency" name="currency" value="USD" size="4"></div>
<div><label for="p-years">Years sold</label><input id="p-years" name="years" placeholder="1-10" size="5"></div>
<div><button type="submit">Set the price</button></div></form>
<table>${th('TLD', 'Operation', 'Currency', 'Per year', 'Years', 'Registry currency')}<tbody>
${prices.slice(0, 1000).map((p) => html`<tr><td>${p.tld}</td><td>${p.operation}</td><td>${p.currency}</td><td>${formatAmount(p.amount, p.currency)}</td><td>${p.min_years}-${p.max_years}</td><td>${p.tld_currency}</td></tr>\n`)}</tbody></table>
<h2>Promos</h2>
<form method="post" action="/panel/operator/promos" class="row"><input type="hidden" name="csrf" value="${u.csrf}">
<div><label for="q-tld">TLD</label><input id="q-tld" name="tld" required size="8"></div>
<div><label for="q-op">Operation</label><select id="q-op" name="operation">${opOptions(promoOperations)}</select></div>
<div><label for="q-price">Price per year</label><input id="q-price" name="price" required size="8" inputmode="decimal"></div>
<div><label for="q-currency">Currency</label><input id="q-currency" name="currency" value="USD" size="4"></div>
<div><label for="q-from">From (YYYY-MM-DD)</label><input id="q-from" name="from" required size="10"></div>
<div><label for="q-to">To (inclusive)</label><input id="q-to" name="to" required size="10"></div>
<div><label for="q-min">Years from</label><input id="q-min" name="min" value="1" size="3"></div>
<div><label for="q-max">to</label><input id="q-max" name="max" value="1" size="3"></div>
<div><label for="q-note">Note</label><input id="q-note" name="note" size="16"></div>
<div><button type="submit">Add the promo</button></div></form>
${promos.length === 0 ? html`<p class="muted">No promo running or to come.</p>` : html`<table>${th('Promo', 'TLD', 'Operation', 'Price', 'Years', 'From', 'To', 'Note', '')}<tbody>
${promos.map((p) => html`<tr><td>${String(p.id)}</td><td>${p.tld}</td><td>${p.operation}</td><td>${formatAmount(p.price, p.currency)} ${p.currency}</td><td>${p.min_years}-${p.max_years} (${p.period_type})</td><td>${isoSeconds(p.valid_from)}</td><td>${isoSeconds(p.valid_to)}</td><td>${p.note}</td><td>${button(`/panel/operator/promos/${p.id}/delete`, u.csrf, `Delete promo ${p.id}`)}</td></tr>\n`)}</tbody></table>`}
<p class="muted">Resellers see these through query-price-list, query-promos-list and domain-check, with their rebate and VAT applied.</p>`;
    return kit.send(reply, 200, layout('Prices and promos', body, u));
  });

  scope.post('/panel/operator/prices', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const tld = field('tld').trim().toLowerCase().replace(/^\./, '');
    const operation = parseOperation(field('operation'));
    const currency = field('currency').trim().toUpperCase() || 'USD';
    const amount = parseAmount(field('amount').trim(), currency);
    const years = /^(\d{1,2})-(\d{1,2})$/.exec(field('years').trim());
    const to = `/panel/operator/prices?tld=${encodeURIComponent(tld)}`;
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(tld) || !operation || amount === undefined || amount < 0) return back(reply, to, 'give a TLD, an operation and an amount in the currency', false);
    if (field('years').trim() && (!years || Number(years[1]) < 1 || Number(years[1]) > Number(years[2]) || Number(years[2]) > 10)) return back(reply, to, 'years sold: a range like 1-10', false);
    const old = await findPrice(db, tld, operation, currency);
    const [min, max] = operation === 'restore' ? [1, 1] : years ? [Number(years[1]), Number(years[2])] : old ? [old.min_years, old.max_years] : [1, 10];
    try {
      await setPrice(db, { tld, operation, currency, amount, min_years: min, max_years: max, tld_currency: old?.tld_currency ?? currency }, deps.clock.now());
    } catch (err) {
      return back(reply, to, err instanceof Error ? err.message : String(err), false);
    }
    return back(reply, to, `price of ${operation} .${tld}: ${formatAmount(amount, currency)} ${currency}${operation === 'restore' ? ' (flat fee)' : ` per year, ${min}-${max} years`}`);
  });

  scope.post('/panel/operator/promos', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const currency = field('currency').trim().toUpperCase() || 'USD';
    const price = parseAmount(field('price').trim(), currency);
    const from = parseIsoDate(field('from').trim());
    const until = parseIsoDate(field('to').trim());
    const tld = field('tld').trim().toLowerCase().replace(/^\./, '');
    const to = `/panel/operator/prices?tld=${encodeURIComponent(tld)}`;
    if (price === undefined || from === undefined || until === undefined) return back(reply, to, 'give a price in the currency and the first and last day as YYYY-MM-DD', false);
    try {
      const min = Number(field('min') || '1');
      const p = await addPromo(
        db,
        { tld, operation: field('operation') as PromoOperation, currency, price, minYears: min, maxYears: Number(field('max') || String(min)), periodType: 'flex', validFrom: from, validTo: until + DAY - 1000, note: field('note').trim() },
        deps.clock.now(),
      );
      return back(reply, to, `promo ${p.id}: ${p.operation} .${p.tld} at ${formatAmount(p.price, p.currency)} ${p.currency} a year, ${isoDate(p.valid_from)} to ${isoDate(p.valid_to)}`);
    } catch (err) {
      return back(reply, to, err instanceof Error ? err.message : String(err), false);
    }
  });

  scope.post('/panel/operator/promos/:id/delete', async (req, reply) => {
    const field = formOf(req);
    const u = await operator(req, reply, field('csrf'));
    if (!u) return reply;
    const id = Number((req.params as { id: string }).id);
    const ok = Number.isSafeInteger(id) && (await deletePromo(db, id));
    return back(reply, '/panel/operator/prices', ok ? `promo ${id} deleted` : `no promo ${(req.params as { id: string }).id}`, ok);
  });

  scope.get('/panel/operator/jobs/:id', async (req, reply) => {
    const u = await operator(req, reply);
    if (!u) return reply;
    const id = Number((req.params as { id: string }).id);
    const j = Number.isSafeInteger(id) ? await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!j) return notFound(kit, reply, u, `No job ${(req.params as { id: string }).id}.`);
    const [result, frames] = await Promise.all([j.result_id === null ? undefined : db.selectFrom('results').selectAll().where('id', '=', j.result_id).executeTakeFirst(), framesOfJob(db, j.id)]);
    const body = html`<dl><dt>Kind</dt><dd>${j.kind}</dd><dt>Status</dt><dd>${j.status} (attempt ${j.attempts} of ${j.max_attempts})</dd>
<dt>Created</dt><dd>${isoSeconds(j.created_at)}</dd><dt>Runs at</dt><dd>${isoSeconds(j.run_at)}</dd><dt>Finished</dt><dd>${j.finished_at === null ? '-' : isoSeconds(j.finished_at)}</dd>
<dt>Object</dt><dd>${j.object_key ?? '-'}</dd><dt>Account</dt><dd>${j.account_id === null ? '-' : String(j.account_id)}</dd><dt>Proc-ID</dt><dd>${j.result_id === null ? '-' : String(j.result_id)}</dd>
<dt>Payload</dt><dd><code>${maskedPayload(j.payload)}</code></dd>${j.last_error ? html`<dt>Last error</dt><dd class="error">${j.last_error}</dd>` : html``}</dl>
${j.status === 'failed' ? html`<p>${button(`/panel/operator/jobs/${j.id}/retry`, u.csrf, 'Retry this job')}</p>` : html``}
${result ? html`<h2>Result ${String(result.id)}: ${result.request_type} ${result.object_name || '-'} (${result.status})</h2><pre>${result.content ?? '(content purged)'}</pre>` : html``}
<h2>Registry frames</h2>
${frames.length === 0 ? html`<p class="muted">None: no EPP registry call (or the simulated registry, which exchanges no frames).</p>` : frames.map((f, i) => html`<h3>${String(i + 1)}. ${f.command} at ${f.registry}, ${isoSeconds(f.at)}: ${f.result_code === null ? 'no answer' : String(f.result_code)}</h3>
<p class="muted">Sent</p><pre class="frame">${f.sent}</pre><p class="muted">Received</p><pre class="frame">${f.received ?? '(no answer)'}</pre>`)}`;
    return kit.send(reply, 200, layout(`Job ${j.id}`, body, u));
  });

  scope.get('/panel/operator/transfers', async (req, reply) => {
    const u = await operator(req, reply);
    if (!u) return reply;
    const [ins, outs] = await Promise.all([
      db.selectFrom('transfers_in').innerJoin('accounts', 'accounts.id', 'transfers_in.account_id').select(['transfers_in.id', 'transfers_in.domain', 'transfers_in.state', 'accounts.login', 'transfers_in.losing_registrar', 'transfers_in.foa_deadline_at', 'transfers_in.registry_act_by', 'transfers_in.created_at']).where('transfers_in.outcome', '=', 'open').orderBy('transfers_in.id').limit(500).execute(),
      db.selectFrom('transfers_out').innerJoin('accounts', 'accounts.id', 'transfers_out.account_id').select(['transfers_out.id', 'transfers_out.domain', 'transfers_out.state', 'accounts.login', 'transfers_out.gaining', 'transfers_out.act_by']).where('transfers_out.completed_at', 'is', null).orderBy('transfers_out.id').limit(500).execute(),
    ]);
    const at = (t: number | null) => (t === null ? '-' : isoSeconds(t));
    const body = html`<h2>Transfers in (this platform gains)</h2>
${ins.length === 0 ? html`<p class="muted">None open.</p>` : html`<table>${th('Transfer', 'Domain', 'Account', 'State', 'From', 'FOA answer by', 'Registry approves at')}<tbody>
${ins.map((t) => html`<tr><td>${String(t.id)}</td><td class="name">${t.domain}</td><td>${t.login}</td><td>${t.state}</td><td>${t.losing_registrar ?? '-'}</td><td>${at(t.foa_deadline_at)}</td><td>${at(t.registry_act_by)}</td></tr>\n`)}</tbody></table>`}
<h2>Transfers away (a reseller may still reject)</h2>
${outs.length === 0 ? html`<p class="muted">None open.</p>` : html`<table>${th('Transfer', 'Domain', 'Account', 'State', 'To', 'Goes at')}<tbody>
${outs.map((t) => html`<tr><td>${String(t.id)}</td><td class="name">${t.domain}</td><td>${t.login}</td><td>${t.state}</td><td>${t.gaining}</td><td>${isoSeconds(t.act_by)}</td></tr>\n`)}</tbody></table>`}
<h2>Lifecycle tasks (this process's worker)</h2>
<table>${th('Task', 'Every', 'Last run', 'Took', 'Outcome')}<tbody>
${taskRuns().map((r) => html`<tr><td>${r.task}</td><td>${every(r.everyMs)}</td><td>${r.last ? isoSeconds(r.last.at) : 'not yet'}</td><td>${r.last ? `${r.last.ms} ms` : '-'}</td><td${r.last?.error ? html` class="error"` : html``}>${r.last ? (r.last.error ?? 'ok') : '-'}</td></tr>\n`)}</tbody></table>`;
    return kit.send(reply, 200, layout('Transfers and tasks', body, u));
  });
}
