import { documentOf, html, type Html } from '../html.ts';

/** A console page: header with navigation and the logout form (carrying the CSRF token), no script. */
export function layout(title: string, body: Html, who?: { login: string; csrf: string; operator?: boolean; sandbox?: boolean }, o: { refreshSeconds?: number } = {}): string {
  const sandbox = who?.sandbox ? html` · <a href="/panel/sandbox/registry">Sandbox registry</a> · <a href="/panel/sandbox/mail">Sandbox mail</a>` : html``;
  const more = who?.operator
    ? html` · <a href="/panel/operator/">Operator</a> · <a href="/panel/operator/prices">Prices</a> · <a href="/panel/operator/transfers">Transfers</a>${who.sandbox ? html` · <a href="/panel/sandbox/clock">Sandbox clock</a>` : html``}`
    : html``;
  const nav = who
    ? html`<header><a href="/panel/">dmapid</a><nav aria-label="Main"><a href="/panel/">Dashboard</a> · <a href="/panel/domains">Domains</a> · <a href="/panel/register">Register</a> · <a href="/panel/transfer">Transfer in</a> · <a href="/panel/contacts">Contacts</a> · <a href="/panel/ns">Name servers</a> · <a href="/panel/results">Results</a> · <a href="/panel/orders">Orders</a> · <a href="/panel/account">Account</a>${sandbox}${more}</nav>
<div class="who"><span>${who.login}</span><form class="inline" method="post" action="/panel/logout"><input type="hidden" name="csrf" value="${who.csrf}"><button type="submit">Log out</button></form></div></header>`
    : html`<header><a href="/panel/">dmapid</a></header>`;
  // Pages that wait for something (results in progress) reload themselves: the CSP allows no script.
  const refresh = o.refreshSeconds ? html`<meta http-equiv="refresh" content="${String(o.refreshSeconds)}">\n` : html``;
  return documentOf(`${title} · dmapid`, html`${refresh}<link rel="stylesheet" href="/panel/style.css">`, html`${nav}\n<main>\n<h1>${title}</h1>\n${body}\n</main>`);
}

/** The page a form post without its session's CSRF token gets (403). */
export const forgedPost = html`<p class="error">This form was not sent from this console (its CSRF token is missing or wrong).</p>`;

export function loginForm(error?: string): Html {
  return html`<form class="login" method="post" action="/panel/login">
${error ? html`<p class="error" role="alert">${error}</p>` : html``}
<label for="username">User name or e-mail</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
<p class="muted">The same credentials as for DMAPI (<code>login</code>).</p>
</form>`;
}

export interface Dashboard {
  available: string;
  reserved: string;
  currency: string;
  pending: number;
  expiring: Array<[days: number, count: number]>;
  recentResults: string[][];
}

export function dashboard(d: Dashboard): Html {
  return html`<div class="cards">
<div class="card"><div class="muted">Available</div><div class="n">${d.available} ${d.currency}</div><div class="muted">${d.reserved} reserved</div></div>
<div class="card"><div class="muted">Requests in progress</div><div class="n">${d.pending}</div></div>
${d.expiring.map(([days, n]) => html`<div class="card"><div class="muted">Expiring within ${days} days</div><div class="n">${n}</div></div>`)}
</div>
<h2>Recent requests</h2>
${table(['Time', 'Proc-ID', 'Request', 'Object', 'Status'], d.recentResults)}`;
}

export function table(head: string[], rows: string[][], link?: (row: string[]) => string | undefined): Html {
  if (rows.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>
${rows.map((r) => {
  const href = link?.(r);
  return html`<tr>${r.map((c, i) => (i === 0 && href ? html`<td><a href="${href}">${c}</a></td>` : html`<td>${c}</td>`))}</tr>\n`;
})}</tbody></table>`;
}

/** The domain list page around `listing` (the rows with their bulk-action form, bulk-pages.ts). */
export function domainList(listing: Html, q: string, page: number, more: boolean): Html {
  const at = (p: number) => `/panel/domains?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return html`<form method="get" action="/panel/domains" role="search"><label for="q">Find</label> <input id="q" name="q" value="${q}" placeholder="part of a name"> <button type="submit">Search</button></form>
${listing}
<nav class="pages" aria-label="Pages">${page > 1 ? html`<a href="${at(page - 1)}">Previous</a>` : html``}${more ? html`<a href="${at(page + 1)}">Next</a>` : html``}</nav>`;
}

export function domainPage(name: string, fields: Array<[string, string]>, results: string[][]): Html {
  const at = `/panel/domains/${encodeURIComponent(name)}`;
  return html`<p><a href="${at}/zone">Zone editor</a> · <a href="${at}/grants">Grants and invitations</a></p>
<dl>${fields.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h2>Requests for this domain</h2>
${table(['Time', 'Proc-ID', 'Request', 'Object', 'Status'], results)}`;
}

/** The zone editor: the zone in DMAPI zone format, saved as a whole with dns-zone-put. */
export function zoneEditor(o: { name: string; zone: string; csrf: string; errors: string[]; saved?: string; missing?: string }): Html {
  if (o.missing) return html`<p>${o.missing}</p>`;
  return html`${o.saved ? html`<p role="status">${o.saved}</p>` : html``}
${o.errors.length ? html`<div class="error" role="alert"><p>Nothing was changed:</p><ul>${o.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : html``}
<form method="post" action="/panel/domains/${encodeURIComponent(o.name)}/zone">
<input type="hidden" name="csrf" value="${o.csrf}">
<label for="zone">Records, one a line: <code>label TYPE priority value ttl</code> (<code>$dnssec</code>, <code>$dyndns</code> first)</label>
<textarea id="zone" name="zone" rows="18" spellcheck="false">${o.zone}</textarea>
<p><button type="submit">Save the zone</button></p>
</form>`;
}

export function resultsPage(rows: string[][], pending: number): Html {
  return html`<p class="muted">${pending ? `${pending} still in progress; this page reloads every 5 seconds until they are done.` : 'Every request has finished.'}</p>
${table(['Time', 'Proc-ID', 'Request', 'Object', 'Status'], rows)}`;
}

export function ordersPage(columns: string[], rows: string[][]): Html {
  return html`<p><a href="/panel/orders.csv" download>Download as CSV</a> (the last 30 days, as query-order-list csv=1)</p>
${table(columns, rows)}`;
}
