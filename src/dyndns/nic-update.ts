import ipaddr from 'ipaddr.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { blocked, recordFailure } from '../services/auth-throttle.ts';
import { clientAddress, credentials, dyndnsChecker, dyndnsThrottle, unchanged } from './credentials.ts';
import type { AddressRecord, ZoneRecord } from '../zone/records.ts';
import { writeZone, zoneForName, type StoredZone } from '../zone/store.ts';

/**
 * DynDNS, dyndns2 protocol: `GET /nic/update?hostname=h1[,h2…]&myip=a[,b]` with HTTP basic auth
 * (or Joker's `username`/`password` parameters) carrying the zone's `$dyndns=yes:<user>:<password>`.
 * It rewrites the DYNA (IPv4) / DYNAAAA (IPv6) record of each host name, bumps the serial and
 * queues the NOTIFY, one transaction per host name. One answer line per host name:
 *   good <ip>   changed          nochg <ip>  already so        badauth  wrong user/password, or DynDNS off
 *   nohost      no DYNA/DYNAAAA record for the name (or no hosted zone)
 *   notfqdn     not a fully qualified name          numhost  more than 20 names
 *   abuse       too many failed logins from this address (the login limit, per 15 minutes)
 *   dnserr      myip is not an IP address           911      the server failed; retry later
 */
export const MAX_HOSTS = 20;

type Family = 'v4' | 'v6';
const recordType = { v4: 'DYNA', v6: 'DYNAAAA' } as const;

/** The addresses to set: `myip` (comma-separated) and `myipv6`, else the client's own address. */
export function addresses(q: Record<string, string>, clientIp: string): Map<Family, string> | undefined {
  const given = [...(q['myip'] ?? '').split(','), ...(q['myipv6'] ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
  const out = new Map<Family, string>();
  for (const text of given.length ? given : [clientIp]) {
    if (text.includes('%') || !ipaddr.isValid(text) || (text.includes('.') && !text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text))) return undefined;
    const ip = ipaddr.process(text);
    out.set(ip.kind() === 'ipv4' ? 'v4' : 'v6', ip.kind() === 'ipv4' ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String());
  }
  return out;
}

const fqdn = /^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/;

/**
 * Points the DYNA/DYNAAAA records of `label` at `ips`: the first record of each family takes the
 * address, further ones of that family at the label are dropped (a DynDNS name has one address).
 * Returns the new record list, or undefined when the label has no record of any given family.
 */
export function updateDynRecords(records: readonly ZoneRecord[], label: string, ips: Map<Family, string>): { records: ZoneRecord[]; changed: boolean; set: string[] } | undefined {
  let matched = false;
  let changed = false;
  const set: string[] = [];
  let out: ZoneRecord[] = [...records];
  for (const [family, ip] of ips) {
    const type = recordType[family];
    const at = out.flatMap((r, i) => (r.type === type && r.label.toLowerCase() === label ? [i] : []));
    if (at.length === 0) continue;
    matched = true;
    set.push(ip);
    const first = out[at[0]!]! as AddressRecord;
    if (first.address !== ip || at.length > 1) changed = true;
    out[at[0]!] = { ...first, address: ip };
    const drop = new Set(at.slice(1));
    out = out.filter((_, i) => !drop.has(i));
  }
  return matched ? { records: out, changed, set } : undefined;
}

export async function registerDynDnsRoutes(http: FastifyInstance, deps: AppDeps): Promise<void> {
  const answer = async (req: FastifyRequest): Promise<{ status: number; body: string; challenge?: boolean }> => {
    const q = { ...(req.query as Record<string, string>), ...((req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>) };
    await deps.syncClock();
    const now = deps.clock.now();
    const client = clientAddress(req);
    const throttle = dyndnsThrottle(deps, client);
    if (await blocked(deps.db, throttle, now)) return { status: 200, body: 'abuse' };
    const creds = credentials(req, q);
    if (!creds) return { status: 401, body: 'badauth', challenge: true };
    const hosts = (typeof q['hostname'] === 'string' ? q['hostname'] : '').split(',').map((h) => h.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
    if (hosts.length === 0) return { status: 200, body: 'notfqdn' };
    if (hosts.length > MAX_HOSTS) return { status: 200, body: 'numhost' };
    const ips = addresses(q, client);
    if (!ips) return { status: 200, body: 'dnserr' };

    const lines: string[] = [];
    let failedAuth = false;
    let changedAny = false;
    // The password is checked against its stored hash before, not inside, the transaction (the
    // check is slow on purpose); the transaction then only proceeds if that hash is still the one.
    const authorised = dyndnsChecker(creds);
    for (const host of hosts) {
      if (!fqdn.test(host)) {
        lines.push('notfqdn');
        continue;
      }
      const seen = await zoneForName(deps.db, host);
      if (seen && !(await authorised(seen.data.dyndns))) {
        failedAuth = true;
        lines.push('badauth');
        continue;
      }
      const line = await deps.db.transaction().execute(async (trx) => {
        const zone: StoredZone | undefined = await zoneForName(trx, host, { forUpdate: true });
        if (!zone) return 'nohost';
        const { dyndns } = zone.data;
        if (!seen || !unchanged(dyndns, seen.data.dyndns)) {
          failedAuth = true;
          return 'badauth';
        }
        const label = host === zone.name ? '@' : host.slice(0, -(zone.name.length + 1));
        const update = updateDynRecords(zone.data.records, label, ips);
        if (!update) return 'nohost';
        if (!update.changed) return `nochg ${update.set.join(',')}`;
        await writeZone(trx, { id: zone.domainId, account_id: zone.accountId, name: zone.name }, { ...zone.data, records: update.records }, now);
        changedAny = true;
        return `good ${update.set.join(',')}`;
      });
      lines.push(line);
    }
    if (failedAuth) await recordFailure(deps.db, throttle, now);
    if (changedAny) deps.wake();
    return { status: 200, body: lines.join('\n') };
  };

  const handler = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    let out: { status: number; body: string; challenge?: boolean };
    try {
      out = await answer(req);
    } catch (err) {
      req.log.error({ err }, 'dyndns update failed');
      out = { status: 200, body: '911' };
    }
    if (out.challenge) reply.header('WWW-Authenticate', 'Basic realm="dmapid DynDNS"');
    return reply.code(out.status).header('Content-Type', 'text/plain; charset=utf-8').header('Cache-Control', 'no-store').send(out.body);
  };
  http.get('/nic/update', handler);
  http.post('/nic/update', handler);
}
