import { html, type Html } from '../html.ts';

/** A one-button form posting to `action` with the session's CSRF token (and any extra fields). */
export function button(action: string, csrf: string, label: string, fields: Html = html``): Html {
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}">${fields}<button type="submit">${label}</button></form>`;
}

export interface AccountLine {
  login: string;
  email: string;
  balance: string;
  currency: string;
  status: string;
  role: string;
}

export function operatorPage(o: { csrf: string; notice?: string; accounts: AccountLine[]; jobCounts: Array<[string, number]>; failed: Array<{ id: number; kind: string; error: string }>; mails: string[][] }): Html {
  const accounts = o.accounts.map((a) => {
    const at = `/panel/operator/accounts/${encodeURIComponent(a.login)}`;
    const credit = button(`${at}/credit`, o.csrf, 'Credit', html`<label class="inline" for="amount-${a.login}">Amount</label> <input id="amount-${a.login}" name="amount" size="7" inputmode="decimal"> `);
    const status = button(`${at}/status`, o.csrf, a.status === 'active' ? 'Disable' : 'Enable', html`<input type="hidden" name="status" value="${a.status === 'active' ? 'disabled' : 'active'}">`);
    return html`<tr><td>${a.login}</td><td>${a.email}</td><td>${a.balance} ${a.currency}</td><td>${a.status}</td><td>${a.role}</td><td>${credit} ${status}</td></tr>\n`;
  });
  return html`${o.notice ? html`<p role="status">${o.notice}</p>` : html``}
<h2>Accounts</h2>
<table><thead><tr><th scope="col">Login</th><th scope="col">E-mail</th><th scope="col">Balance</th><th scope="col">Status</th><th scope="col">Role</th><th scope="col">Actions</th></tr></thead><tbody>
${accounts}</tbody></table>
<h2>Jobs</h2>
<p>${o.jobCounts.map(([s, n]) => html`<span class="pill">${s}: ${n}</span> `)}</p>
${o.failed.length === 0 ? html`<p class="muted">No job failed for good.</p>` : html`<table><thead><tr><th scope="col">Job</th><th scope="col">Kind</th><th scope="col">Last error</th><th scope="col"></th></tr></thead><tbody>
${o.failed.map((j) => html`<tr><td><a href="/panel/operator/jobs/${String(j.id)}">${String(j.id)}</a></td><td>${j.kind}</td><td>${j.error}</td><td>${button(`/panel/operator/jobs/${j.id}/retry`, o.csrf, 'Retry')}</td></tr>\n`)}</tbody></table>`}
<h2>Outbox</h2>
${o.mails.length === 0 ? html`<p class="muted">No mail.</p>` : html`<table><thead><tr><th scope="col">Mail</th><th scope="col">Written</th><th scope="col">Status</th><th scope="col">To</th><th scope="col">Kind</th><th scope="col">Subject</th></tr></thead><tbody>
${o.mails.map((m) => html`<tr>${m.map((c) => html`<td>${c}</td>`)}</tr>\n`)}</tbody></table>`}`;
}

export const clockPresets: Array<[label: string, ms: number]> = [
  ['6 hours', 6 * 3_600_000],
  ['5 days', 5 * 86_400_000],
  ['30 days', 30 * 86_400_000],
  ['1 year', 365 * 86_400_000],
];

export function clockPage(o: { csrf: string; now: string; offsetDays: string; notice?: string; queued: Array<[string, number]> }): Html {
  return html`${o.notice ? html`<p role="status">${o.notice}</p>` : html``}
<dl><dt>Sandbox time</dt><dd>${o.now}</dd><dt>Ahead of real time</dt><dd>${o.offsetDays} days</dd></dl>
<h2>Move forward</h2>
<p>${clockPresets.map(([label, ms]) => html`${button('/panel/sandbox/clock', o.csrf, `+ ${label}`, html`<input type="hidden" name="ms" value="${String(ms)}">`)} `)}</p>
<p class="muted">Every deadline reads this clock: grace periods, transfer answers, verification, expiry and autorenew. The worker's lifecycle tasks run at once after a move.</p>
<h2>Jobs waiting to run</h2>
${o.queued.length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Kind</th><th scope="col">Queued</th></tr></thead><tbody>${o.queued.map(([k, n]) => html`<tr><td>${k}</td><td>${String(n)}</td></tr>`)}</tbody></table>`}`;
}
