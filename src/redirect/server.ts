import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { guardHttpServer, httpServerOptions } from '../net/http-limits.ts';
import { absoluteUrl, frameHeaders } from '../zone/format.ts';
import { DEFAULT_REDIRECT_STATUS, isActive, type FrameRecord, type UrlRecord, type ZoneRecord } from '../zone/records.ts';
import { zoneForName } from '../zone/store.ts';

/**
 * The redirect service: names with a URL or FRAME record resolve to this listener (see
 * zone/to-dns.ts), which finds the record by the Host header and answers
 * - URL: a redirect (the record's status, 302 when it names none) to the record's target;
 * - FRAME: a frameset page showing the target, built from the record's parameters.
 * Records are read from the database on every request, so a change is in effect at once.
 */
export type RedirectDeps = Pick<AppDeps, 'db' | 'clock' | 'log' | 'syncClock' | 'config'>;

type RedirectRecord = UrlRecord | FrameRecord;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The host name of a Host header: port and trailing dot removed, lowercased; undefined for IP literals and junk. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const host = header.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!/^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/.test(host) || /^[\d.]+$/.test(host)) return undefined;
  return host;
}

const isRedirect = (r: ZoneRecord): r is RedirectRecord => r.type === 'URL' || r.type === 'FRAME';

/** The URL/FRAME record for `relative` (a label, '@' for the apex): exact first, then the closest wildcard. */
export function findRedirect(records: readonly ZoneRecord[], relative: string, now: number): RedirectRecord | undefined {
  const candidates = records.filter((r): r is RedirectRecord => isRedirect(r) && isActive(r, now));
  const byLabel = (label: string) => candidates.find((r) => r.label.toLowerCase() === label);
  const exact = byLabel(relative);
  if (exact || relative === '@') return exact;
  const labels = relative.split('.');
  for (let i = 1; i <= labels.length; i++) {
    const rest = labels.slice(i).join('.');
    const wild = byLabel(rest ? `*.${rest}` : '*');
    if (wild) return wild;
  }
  return undefined;
}

/** The page a FRAME record shows: the target in a full-window frame; every parameter escaped. */
export function framePage(r: FrameRecord): string {
  const url = escapeHtml(absoluteUrl(r.url));
  const lines = [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN" "http://www.w3.org/TR/html4/frameset.dtd">',
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    `<title>${escapeHtml(r.title)}</title>`,
    ...(r.head ? [`<meta name="description" content="${escapeHtml(r.head)}">`] : []),
    '</head>',
    '<frameset rows="100%,*" frameborder="0" border="0" framespacing="0">',
    `<frame src="${url}" name="main" frameborder="0" noresize>`,
    `<noframes><body>${r.body ? `<p>${escapeHtml(r.body)}</p>` : ''}<p><a href="${url}">${url}</a></p></body></noframes>`,
    '</frameset>',
    '</html>',
    '',
  ];
  return lines.join('\n');
}

function redirectBody(target: string): string {
  const url = escapeHtml(target);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Moved</title></head><body><p>Moved to <a href="${url}">${url}</a>.</p></body></html>\n`;
}

const text = (reply: FastifyReply, code: number, body: string) => reply.code(code).header('Content-Type', 'text/plain; charset=utf-8').send(body);

/** The listener, with the HTTP timeouts and connection caps of the configuration (DMAPID_HTTP_*). */
export function createRedirectServer(deps: RedirectDeps): FastifyInstance {
  const log = deps.log.child({ listener: 'redirect' });
  const http = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    ...httpServerOptions(deps.config),
  });
  guardHttpServer(http.server, deps.config, log);
  http.all('*', async (req, reply) => {
    try {
      const host = hostOf(req.headers.host);
      if (!host) return text(reply, 400, 'This is the redirect service: it needs the Host header of a name with a URL or FRAME record.\n');
      await deps.syncClock();
      const now = deps.clock.now();
      const zone = await zoneForName(deps.db, host);
      const relative = zone ? (host === zone.name ? '@' : host.slice(0, -(zone.name.length + 1))) : undefined;
      const record = zone && relative !== undefined ? findRedirect(zone.data.records, relative, now) : undefined;
      if (!record) return text(reply, 404, `No URL or FRAME record for ${host}.\n`);
      if (record.type === 'URL') {
        const target = absoluteUrl(record.url);
        return reply
          .code(record.status ?? DEFAULT_REDIRECT_STATUS)
          .header('Location', target)
          .header('Content-Type', 'text/html; charset=utf-8')
          .send(redirectBody(target));
      }
      for (const [name, value] of frameHeaders(record.headers)) reply.header(name, value);
      return reply.code(200).header('Content-Type', 'text/html; charset=utf-8').send(framePage(record));
    } catch (err) {
      req.log.error({ err }, 'redirect lookup failed');
      return text(reply, 503, 'The redirect service cannot answer right now; please retry.\n');
    }
  });
  return http;
}
