import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { blocked, recordFailure } from '../services/auth-throttle.ts';
import { describeError, formatRecord, MAX_TTL, MIN_TTL, parseZone } from '../zone/format.ts';
import type { TxtRecord, ZoneRecord } from '../zone/records.ts';
import { writeZone, zoneByName } from '../zone/store.ts';
import { clientAddress, credentials, dyndnsChecker, dyndnsThrottle, unchanged } from './credentials.ts';
import { firstValues, formValues } from './form.ts';

/**
 * Joker's SVC TXT API, `GET|POST /nic/replace` (lego's SVC mode, acme.sh, certbot-dns-joker,
 * getssl, Caddy): `username`, `password` (the zone's DynDNS credentials, or HTTP basic auth),
 * `zone` (the hosted domain), `label` (relative; `@` or empty for the apex), `type` (TXT, the
 * default), `value` (repeated: one TXT record each; empty or absent: delete them), `ttl`
 * (default 60). Every TXT record at the label is replaced at once, in one transaction that
 * bumps the serial and queues the NOTIFY. Answers, as plain text:
 *   200 OK          done (also when nothing changed)
 *   401 badauth     no credentials, wrong ones, or DynDNS off for the zone (counted per address)
 *   404 nozone      no hosted zone of that name (acme.sh probes parents until it sees OK)
 *   400 <reason>    a bad parameter or a record the zone cannot take
 *   429 abuse       too many failed credentials from the address (the login limit, 15 minutes)
 *   500 911         the server failed; retry later
 */
export const DEFAULT_REPLACE_TTL = MIN_TTL;
/** More values than this in one call are refused (a TXT set for ACME holds two). */
export const MAX_REPLACE_VALUES = 20;

interface Answer {
  status: number;
  body: string;
}

const badRequest = (body: string): Answer => ({ status: 400, body });

/** Replaces the TXT records at `label` with `values` (in the place of the first one), or says why the zone cannot take them. */
export function replaceTxt(records: readonly ZoneRecord[], origin: string, label: string, values: string[], ttl: number, platformNameservers: readonly string[]): { records: ZoneRecord[]; changed: boolean } | { error: string } {
  const at = (r: ZoneRecord) => r.type === 'TXT' && (r.label === '@' ? '' : r.label.toLowerCase()) === (label === '@' ? '' : label.toLowerCase());
  const first = records.findIndex(at);
  const fresh: TxtRecord[] = [...new Set(values)].map((text) => ({ label, type: 'TXT', text, ttl, validFrom: 0, validTo: 0 }));
  const kept = records.filter((r) => !at(r));
  const next = [...kept];
  next.splice(first < 0 ? kept.length : records.slice(0, first).filter((r) => !at(r)).length, 0, ...fresh);
  // The zone parser is the one judge of what a zone may hold (label syntax, value length, clashes).
  const parsed = parseZone(next.map((r) => formatRecord(r, true)).join('\n'), { origin, platformNameservers });
  if (!parsed.ok) return { error: parsed.errors.map(describeError).join('; ') };
  const before = records.map((r) => formatRecord(r, true)).join('\n');
  const after = parsed.zone.records.map((r) => formatRecord(r, true)).join('\n');
  return { records: parsed.zone.records, changed: before !== after };
}

export async function registerNicReplace(http: FastifyInstance, deps: AppDeps): Promise<void> {
  const answer = async (req: FastifyRequest): Promise<Answer> => {
    const form = formValues(req);
    const q = firstValues(form);
    await deps.syncClock();
    const now = deps.clock.now();
    const throttle = dyndnsThrottle(deps, clientAddress(req));
    if (await blocked(deps.db, throttle, now)) return { status: 429, body: 'abuse' };
    const creds = credentials(req, q);
    if (!creds) return { status: 401, body: 'badauth' };
    const zoneName = (q['zone'] ?? '').trim().toLowerCase().replace(/\.$/, '');
    if (!zoneName) return badRequest('missing parameter zone (the hosted domain)');
    const type = (q['type'] ?? 'TXT').trim().toUpperCase() || 'TXT';
    if (type !== 'TXT') return badRequest(`type ${type} is not supported (only TXT)`);
    const label = (q['label'] ?? '').trim() || '@';
    const values = (form.get('value') ?? []).filter((v) => v !== '');
    if (values.length > MAX_REPLACE_VALUES) return badRequest(`at most ${MAX_REPLACE_VALUES} values`);
    const ttlText = (q['ttl'] ?? '').trim();
    const ttl = ttlText === '' ? DEFAULT_REPLACE_TTL : /^\d{1,10}$/.test(ttlText) ? Number(ttlText) : NaN;
    if (!(ttl >= MIN_TTL && ttl <= MAX_TTL)) return badRequest(`ttl must be a whole number from ${MIN_TTL} to ${MAX_TTL}`);

    const seen = await zoneByName(deps.db, zoneName);
    if (!seen) return { status: 404, body: 'nozone' };
    if (!(await dyndnsChecker(creds)(seen.data.dyndns))) {
      await recordFailure(deps.db, throttle, now);
      return { status: 401, body: 'badauth' };
    }
    const out = await deps.db.transaction().execute(async (trx): Promise<Answer & { wrote?: boolean }> => {
      const zone = await zoneByName(trx, zoneName, { forUpdate: true });
      if (!zone || !unchanged(zone.data.dyndns, seen.data.dyndns)) return { status: 401, body: 'badauth' };
      const next = replaceTxt(zone.data.records, zone.name, label, values, ttl, deps.config.dnsNameservers);
      if ('error' in next) return badRequest(next.error);
      if (next.changed) await writeZone(trx, { id: zone.domainId, account_id: zone.accountId, name: zone.name }, { ...zone.data, records: next.records }, now);
      return { status: 200, body: 'OK', wrote: next.changed };
    });
    if (out.wrote) deps.wake();
    return { status: out.status, body: out.body };
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    let out: Answer;
    try {
      out = await answer(req);
    } catch (err) {
      req.log.error({ err }, 'nic/replace failed');
      out = { status: 500, body: '911' };
    }
    if (out.status === 401) reply.header('WWW-Authenticate', 'Basic realm="dmapid DynDNS"');
    return reply.code(out.status).header('Content-Type', 'text/plain; charset=utf-8').header('Cache-Control', 'no-store').send(out.body);
  };
  http.get('/nic/replace', handler);
  http.post('/nic/replace', handler);
}
