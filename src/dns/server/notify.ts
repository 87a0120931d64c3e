import type { AppDeps } from '../../app-deps.ts';
import type { JobContext } from '../../dmapi/command.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { tsigKeyring } from '../../config/config.ts';
import type { Clock } from '../../core/clock.ts';
import { buildQuery, signQuery, udpExchange, type Target } from '../client.ts';
import { unixSeconds, type TsigKey } from '../wire/tsig.ts';
import { decodeMessage } from '../wire/message.ts';
import { OPCODE, RCODE, TYPE } from '../wire/types.ts';

/** The job kind the zone service enqueues in the transaction of every zone change. */
export const NOTIFY_JOB = 'dns-notify';

export interface NotifyPayload {
  origin: string;
  serial: number;
  /** Set on follow-up jobs: only the secondaries that have not acknowledged yet. */
  targets?: Target[];
  /** 1 for the first job of a change. */
  attempt?: number;
}

/**
 * Resend pauses (ms) within one attempt: about a second in all, so a dead secondary holds up the
 * worker's other jobs only that long; later attempts are new jobs (below).
 */
export const NOTIFY_WAITS = [200, 300, 500] as const;
/** Attempts per change and secondary; after them the secondary's own SOA refresh takes over. */
export const NOTIFY_MAX_ATTEMPTS = 10;

/** Pause before attempt n+1: 5 s, 10 s, 20 s … capped at 10 minutes (about 40 minutes in all). */
export function notifyRetryDelay(attempt: number): number {
  return Math.min(600_000, 5_000 * 2 ** (attempt - 1));
}

export type NotifyResult = { acknowledged: true; rcode: number } | { acknowledged: false; error: string };

/**
 * Sends NOTIFY (RFC 1996: opcode 4, AA, the zone's SOA as question) to one secondary and waits
 * for its answer. Any answer counts as acknowledged; a non-zero rcode means the secondary does
 * not take the zone from us, which resending would not change.
 */
export async function sendNotify(target: Target, origin: string, waits: readonly number[] = NOTIFY_WAITS, tsig?: { key: TsigKey; clock: Clock }): Promise<NotifyResult> {
  const query = buildQuery(origin, TYPE.SOA, { opcode: OPCODE.NOTIFY, aa: true, edns: false });
  const signed = tsig && signQuery(query, tsig.key, tsig.clock.now());
  try {
    const bytes = await udpExchange(target, signed?.bytes ?? query, waits);
    const answer = decodeMessage(bytes);
    if (answer.opcode !== OPCODE.NOTIFY) return { acknowledged: false, error: `answer with opcode ${answer.opcode} instead of NOTIFY` };
    if (signed) {
      // An answer that does not carry the key's signature may be forged: it acknowledges nothing.
      const error = signed.verifier.verify(bytes, answer, unixSeconds(tsig.clock.now()));
      if (error !== 0) return { acknowledged: false, error: `the answer's TSIG does not verify (TSIG error ${error}, rcode ${answer.rcode})` };
    }
    return { acknowledged: true, rcode: answer.rcode };
  } catch (err) {
    return { acknowledged: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const show = (t: Target) => (t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`) + (t.key ? ` key ${t.key}` : '');

type NotifyOutcome = Array<{ target: Target; result: NotifyResult }>;

/** The network part, outside any transaction (the worker's `outside` step): a NOTIFY may be sent twice, never matters. */
async function notifyAll(deps: AppDeps, payload: NotifyPayload): Promise<NotifyOutcome> {
  const targets = payload.targets ?? deps.config.dnsNotify;
  const keys = tsigKeyring(deps.config);
  return Promise.all(
    targets.map(async (target) => {
      const key = target.key === undefined ? undefined : keys.get(target.key);
      if (target.key !== undefined && !key) return { target, result: { acknowledged: false as const, error: `no TSIG key ${target.key} is configured` } };
      return { target, result: await sendNotify(target, payload.origin, NOTIFY_WAITS, key && { key, clock: deps.leaseClock }) };
    }),
  );
}

/**
 * The `dns-notify` job: notifies every configured secondary (DMAPID_DNS_NOTIFY) of a zone
 * change, outside the worker's transaction; then, inside it, secondaries that did not answer get
 * a follow-up job, later, for them alone, until they acknowledge or NOTIFY_MAX_ATTEMPTS is reached.
 */
export const dnsNotifyJob: JobHandler = Object.assign(
  async (ctx: JobContext, payload: NotifyPayload): Promise<void> => {
    const outcome = (ctx.prepared as NotifyOutcome | undefined) ?? (await notifyAll(ctx.deps, payload));
    if (outcome.length === 0) return;
    const attempt = payload.attempt ?? 1;
    const log = ctx.deps.log.child({ job: NOTIFY_JOB, zone: payload.origin, serial: payload.serial, attempt });
    const pending: Target[] = [];
    for (const { target: t, result: r } of outcome) {
      if (!r.acknowledged) {
        pending.push(t);
        log.warn({ secondary: show(t), error: r.error }, 'NOTIFY not acknowledged');
      } else if (r.rcode !== RCODE.NOERROR) {
        log.warn({ secondary: show(t), rcode: r.rcode }, 'secondary refused NOTIFY');
      } else {
        log.debug({ secondary: show(t) }, 'NOTIFY acknowledged');
      }
    }
    if (pending.length === 0) return;
    if (attempt >= NOTIFY_MAX_ATTEMPTS) {
      log.error({ secondaries: pending.map(show) }, 'NOTIFY given up; the secondaries will see the change at their next SOA refresh');
      return;
    }
    await ctx.enqueue(NOTIFY_JOB, { origin: payload.origin, serial: payload.serial, targets: pending, attempt: attempt + 1 } satisfies NotifyPayload, {
      runAt: ctx.now + notifyRetryDelay(attempt),
      maxAttempts: 1,
    });
  },
  { outside: notifyAll },
);
