import { z } from 'zod';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { compileAcl } from '../dns/server/acl.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Who may call with an account or an API key, and how much: allowed client addresses (CIDR), and
 * request budgets per minute and per day, with separate budgets for availability checks
 * (domain-check). Unset means no limit; every policy is off until an operator sets one.
 */
export const accessPolicySchema = z
  .object({
    allow: z.array(z.string().min(1)).max(100).optional(),
    perMinute: z.number().int().min(1).optional(),
    perDay: z.number().int().min(1).optional(),
    checksPerMinute: z.number().int().min(1).optional(),
    checksPerDay: z.number().int().min(1).optional(),
  })
  .strict();
export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/** Reads a stored policy (null: none); a bad one is refused when it is set, so parsing here is trusted. */
export function parsePolicy(text: string | null | undefined): AccessPolicy | undefined {
  return text ? (JSON.parse(text) as AccessPolicy) : undefined;
}

/** Checks a policy an operator sets: the addresses must parse. */
export function checkPolicy(p: AccessPolicy): AccessPolicy {
  const parsed = accessPolicySchema.parse(p);
  if (parsed.allow) compileAcl(parsed.allow);
  return parsed;
}

const isCheck = (request: string) => request === 'domain-check';

/** Compiled allow-lists, by their text: a request checks its address without parsing CIDRs again. */
const matchers = new Map<string, (address: string) => boolean>();
function allows(list: readonly string[], address: string): boolean {
  const text = list.join(',');
  let m = matchers.get(text);
  if (!m) {
    if (matchers.size >= 1000) matchers.clear();
    m = compileAcl(list);
    matchers.set(text, m);
  }
  return m(address);
}

/** One budget window: its scope key, start and limit. */
interface Budget {
  scope: string;
  start: number;
  limit: number;
  span: number;
  what: string;
}

function budgetsOf(owner: string, p: AccessPolicy, check: boolean, now: number): Budget[] {
  const out: Budget[] = [];
  const add = (kind: string, limit: number | undefined, span: number, what: string) => {
    if (limit !== undefined) out.push({ scope: `${owner}:${kind}`, start: now - (now % span), limit, span, what });
  };
  if (check) {
    add('checks-minute', p.checksPerMinute, MINUTE, 'availability checks a minute');
    add('checks-day', p.checksPerDay, DAY, 'availability checks a day');
  } else {
    add('minute', p.perMinute, MINUTE, 'requests a minute');
    add('day', p.perDay, DAY, 'requests a day');
  }
  return out;
}

/** The seconds until a window ends (Retry-After). */
const secondsLeft = (b: { start: number; span: number }, now: number) => Math.max(1, Math.ceil((b.start + b.span - now) / 1000));

/**
 * Applies the account's and the key's policies to one request: the client address must be allowed
 * by both (where set), and each budget must have room; a request within them is counted. Budgets
 * live in the database so that every node counts the same; the counting is an upsert of its own,
 * outside the request's transaction (a refused request is not counted, a request that fails later is).
 */
export async function enforcePolicies(db: Executor, o: { policies: Array<[owner: string, AccessPolicy | undefined]>; ip: string; request: string; now: number }): Promise<void> {
  const check = isCheck(o.request);
  const budgets: Budget[] = [];
  for (const [owner, p] of o.policies) {
    if (!p) continue;
    if (p.allow && !allows(p.allow, o.ip)) {
      throw new DmapiError('ADDRESS_NOT_ALLOWED', `requests from ${o.ip} are not allowed for this ${owner.startsWith('key') ? 'API key' : 'account'}`);
    }
    budgets.push(...budgetsOf(owner, p, check, o.now));
  }
  for (const b of budgets) {
    const row = await sql<{ used: number }>`insert into request_budgets (scope, window_start, used) values (${b.scope}, ${b.start}, 1)
      on conflict (scope, window_start) do update set used = request_budgets.used + 1 returning used`.execute(db);
    const used = Number(row.rows[0]?.used ?? 0);
    if (used > b.limit) {
      const wait = secondsLeft(b, o.now);
      throw new DmapiError('QUOTA_EXCEEDED', `more than ${b.limit} ${b.what}; try again in ${wait} second${wait === 1 ? '' : 's'}`, wait);
    }
  }
}

/** Forgets counters of windows that have ended (a periodic task). */
export async function pruneBudgets(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('request_budgets').where('window_start', '<', now - DAY).execute();
}
