import type { z } from 'zod';
import type { Account, Scope } from '../db/schema.ts';
import type { Executor, Tx } from '../db/database.ts';
import type { AppDeps } from '../app-deps.ts';
import type { EnqueueOptions } from '../jobs/queue.ts';
import type { OutsideContext } from '../jobs/worker.ts';
import type { ErrorKey } from './errors.ts';
import type { HeaderList } from './reply.ts';

/** What a request may do: read-only keys run only `read`, modify-only keys `read` and `modify`. */
export type Access = 'read' | 'modify' | 'costs';
export type SessionNeed = 'none' | 'required';

/** Form variables with lowercased names; values are strings. */
export type RawParams = Record<string, string>;

export interface RequestContext {
  readonly deps: AppDeps;
  /** A transaction for modifying requests; the database itself for reads. */
  readonly db: Executor;
  /** The clock reading taken when the request arrived. */
  readonly now: number;
  readonly trackingId: string;
  readonly ip: string;
  /** The logged-in account (throws for requests without a session). */
  readonly account: Account;
  readonly scope: Scope;
  /** Hash of the session's Auth-Sid; null without a session or with a bare api-key. */
  readonly sessionId: string | null;
  /** The Proc-ID of a modifying request (throws for read requests). */
  readonly procId: number;
  /** The raw, lowercased form variables (for requests with open-ended fields). */
  readonly raw: RawParams;
  /** Queue a job in this request's transaction; it runs after the commit. */
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<number>;
  /**
   * Refuses (ACCESS_DENIED) when the session's scope does not allow `access`: for requests whose
   * access class depends on what they act on (a @creator grant moves costs to another account).
   */
  requireAccess(access: Access, what: string): void;
}

/** A command's own part of the reply; the dispatcher adds the status block. */
export interface CommandReply {
  headers?: HeaderList;
  body?: string;
  /** For modifying requests: the object named in result-list (domain, handle, host). */
  object?: string;
  /** For modifying sync requests: the free text stored with the (ack) result. */
  resultText?: string;
  /** Send only the body as a file, without DMAPI headers (query-order-list csv=1). */
  download?: { filename: string; contentType: string };
  /**
   * The rest of the body, made while it is sent (a whole list of a big account): the HTTP
   * listener streams it after `body`, other callers get it joined. Read-only requests only.
   */
  more?: () => AsyncIterable<string>;
}

export interface AcceptReply<J> extends CommandReply {
  object: string;
  /** The payload the worker hands to `perform`. */
  job: J;
}

export interface JobContext {
  readonly deps: AppDeps;
  readonly db: Tx;
  readonly now: number;
  /** The account the job acts for, when it belongs to one. */
  readonly accountId: number | null;
  readonly resultId: number | null;
  /** What the handler's `outside` step returned (work done before the transaction opened). */
  readonly prepared?: unknown;
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<number>;
}

/** How an async request ended: completes its result row. */
export interface JobOutcome {
  status: 'ack' | 'nack';
  /** Replaces the result's object name (contact-create learns its handle here). */
  object?: string;
  text: string;
  /**
   * The request goes on after this job (a transfer waits days for answers): the worker leaves the
   * result pending (`?`) and the flow completes it later with completeResult.
   */
  pending?: boolean;
}

interface CommandBase<P extends z.ZodType> {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for query-request-list and the generated docs. */
  readonly summary: string;
  /** Required, no default: a forgotten access class must fail loudly, not open a hole. */
  readonly access: Access;
  readonly session: SessionNeed;
  readonly params: P;
  /** Every catalogue error this request may answer; the tests hold the dispatcher to it. */
  readonly errors: readonly ErrorKey[];
  /** Extra documentation for docs/requests.md. */
  readonly notes?: string;
  /** Parameters that are text of several lines (a zone); every other value is refused with a line break or tab in it. */
  readonly multiline?: readonly string[];
  /**
   * Valid values of parameters whose meaning their name does not tell (test/security builds a
   * complete request from the names; this fills in the rest). `{contact}`, `{domain}`, `{host}`
   * stand for the sending account's own objects.
   */
  readonly example?: Readonly<Record<string, string>>;
  /**
   * Why the request may name objects that are not the account's (availability, a transfer from
   * another holder): the security suite then compares two other tenants' objects instead of
   * another's with a missing one.
   */
  readonly othersObjects?: string;
}

export interface SyncCommand<P extends z.ZodType = z.ZodType> extends CommandBase<P> {
  readonly execution: 'sync';
  run(ctx: RequestContext, params: z.output<P>): Promise<CommandReply>;
}

export interface AsyncCommand<P extends z.ZodType = z.ZodType, J = unknown> extends CommandBase<P> {
  readonly execution: 'async';
  /** In the request's transaction: every check, price and reservation. A DmapiError rejects the request. */
  accept(ctx: RequestContext, params: z.output<P>): Promise<AcceptReply<J>>;
  /**
   * What the job acts on at the registry: `domain`, `contact` or `host` with the accepted object's
   * name as the job's object key (one job per object at a time, in order; see jobs/queue.ts).
   */
  readonly objectKind?: 'domain' | 'contact' | 'host';
  /**
   * In the worker, before the transaction, with the database itself (never a transaction): every
   * registry call. Its result reaches `perform` as `ctx.prepared`. It may run again after a crash
   * (attempt > 1): it asks the registry first instead of repeating a create, renew or transfer.
   */
  outside?(deps: AppDeps, job: J, o: OutsideContext): Promise<unknown>;
  /** In the worker, in a transaction with the result's completion. A DmapiError becomes a nack. */
  perform(ctx: JobContext, job: J): Promise<JobOutcome>;
  /**
   * In the transaction that records a final failure (perform threw a DmapiError, or its last
   * attempt failed): undo what accept reserved, since perform's own writes were rolled back.
   */
  failed?(ctx: JobContext, job: J, reason: string): Promise<void>;
}

export type Command = SyncCommand<any> | AsyncCommand<any, any>;

export function defineCommand<P extends z.ZodType>(spec: SyncCommand<P>): SyncCommand<P>;
export function defineCommand<P extends z.ZodType, J>(spec: AsyncCommand<P, J>): AsyncCommand<P, J>;
export function defineCommand(spec: Command): Command {
  return spec;
}

export const isModifying = (c: Command) => c.access !== 'read';
