import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { verifyPassword } from '../core/password.ts';
import { clientPrefix } from '../core/ip.ts';
import { namedKey, type ThrottleKey } from '../services/auth-throttle.ts';
import type { DynDnsSetting } from '../zone/records.ts';

/**
 * The zone's DynDNS credentials (`$dyndns=yes:<user>:<password>`, the password stored as its
 * argon2id hash), as /nic/update and /nic/replace take them: HTTP basic auth, or Joker's
 * `username` / `password` parameters.
 */
export interface Credentials {
  user: string;
  password: string;
}

export function credentials(req: FastifyRequest, q: Record<string, string | undefined>): Credentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (q['username'] !== undefined && q['password'] !== undefined) return { user: q['username'], password: q['password'] };
  return undefined;
}

/** Compares without leaking through timing where the strings differ. */
export function same(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** The client's address as the throttle and /nic/checkip see it (IPv4-mapped IPv6 unwrapped). */
export const clientAddress = (req: FastifyRequest): string => (ipaddr.isValid(req.ip) ? ipaddr.process(req.ip).toString() : req.ip);

/** Failed DynDNS credentials count against the address (login-failure limit, 15 minutes). */
export const dyndnsThrottle = (deps: AppDeps, client: string): ThrottleKey[] => [namedKey(`dyndns:${clientPrefix(client)}`, deps.config.loginFailureLimit, 'from this address')];

/**
 * Checks `creds` against zones' DynDNS settings. The password hash is checked before, never
 * inside, a transaction (the check is slow on purpose); each stored hash is checked once per
 * request. The caller's transaction then only proceeds if the zone still has that hash.
 */
export function dyndnsChecker(creds: Credentials): (d: DynDnsSetting) => Promise<boolean> {
  const checked = new Map<string, boolean>();
  return async (d) => {
    if (!d.enabled || !d.password || !same(creds.user, d.user)) return false;
    if (!checked.has(d.password)) checked.set(d.password, await verifyPassword(d.password, creds.password));
    return checked.get(d.password)!;
  };
}

/** Whether the zone's DynDNS setting is still the one that was checked outside the transaction. */
export const unchanged = (now: DynDnsSetting, seen: DynDnsSetting): boolean => now.enabled && now.user === seen.user && now.password === seen.password;
