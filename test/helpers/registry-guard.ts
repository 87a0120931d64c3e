import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Executor } from '../../src/db/database.ts';
import type { Command } from '../../src/dmapi/command.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { Worker, type JobHandler } from '../../src/jobs/worker.ts';
import { registryOf, useRegistryBackend, type Registry, type RegistryBackend } from '../../src/registry/index.ts';

/**
 * Watches an app for registry calls made while one of its database transactions is open (the
 * rule for the EPP backend: no network I/O inside a transaction). Every transaction the app opens
 * marks its async context; every call of the platform's own registry session checks for that
 * mark and for a transaction handed in as its executor, records a violation and throws (on
 * SQLite the call would otherwise wait forever for the connection the transaction holds).
 * Sessions acting as other registrars (the simulator's openAs) and the registry's own sweep are
 * the registry side and are not watched.
 */
export function guardRegistry(deps: AppDeps) {
  const inTransaction = new AsyncLocalStorage<boolean>();
  const db = deps.db as unknown as { transaction: () => unknown };
  const original = db.transaction.bind(deps.db);
  db.transaction = () => {
    const builder = original() as { execute: (fn: (trx: unknown) => Promise<unknown>) => Promise<unknown> };
    const execute = builder.execute.bind(builder);
    builder.execute = (fn) => execute((trx) => inTransaction.run(true, () => fn(trx)));
    return builder;
  };
  const calls: string[] = [];
  const violations: string[] = [];
  let paused = 0;
  const real = registryOf(deps);
  const watch = (session: Registry, executor: Executor): Registry =>
    new Proxy(session, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const call = `${String(prop)}(${typeof args[0] === 'string' ? args[0] : ''})`;
          calls.push(call);
          if (paused === 0 && (executor.isTransaction || inTransaction.getStore())) {
            violations.push(`${call}\n${new Error().stack?.split('\n').slice(2, 8).join('\n')}`);
            throw new Error(`registry call ${call} inside a database transaction`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapper = new Proxy(real, {
    get(target, prop) {
      if (prop === 'open') return (executor: Executor, now: number) => watch(target.open(executor, now), executor);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as RegistryBackend;
  useRegistryBackend(deps, wrapper);
  return {
    calls,
    violations,
    /** Runs test fixtures that act on the registry inside their own transactions, unwatched. */
    async unwatched<T>(fn: () => Promise<T>): Promise<T> {
      paused++;
      try {
        return await fn();
      } finally {
        paused--;
      }
    },
    restore() {
      db.transaction = original;
      useRegistryBackend(deps, real);
    },
  };
}

/** `real` with its transaction part failing once after its outside step succeeded: a worker dying before the commit. */
export function crashOnce(real: JobHandler): JobHandler {
  let crashed = false;
  const handler: JobHandler = async (ctx, p) => {
    if (crashed) return real(ctx, p);
    crashed = true;
    throw new Error('worker died before the commit');
  };
  if (real.outside) handler.outside = real.outside;
  if (real.failed) handler.failed = real.failed;
  return handler;
}

/** A worker with the app's job handlers, `kind`'s wrapped (crashOnce, a slow step). */
export function workerWrapping(app: { deps: AppDeps; table: { commands: readonly Command[] } }, kind: string, wrap: (real: JobHandler) => JobHandler): Worker {
  const handlers = jobHandlers(app.table.commands);
  handlers.set(kind, wrap(handlers.get(kind)!));
  return new Worker(app.deps, handlers);
}
