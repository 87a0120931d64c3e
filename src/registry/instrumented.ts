import type { Metrics } from '../obs/metrics.ts';
import { RegistryError, type Registry, type RegistryBackend } from './port.ts';

/**
 * The backend with every registry round trip timed and counted (dmapid_registry_calls_total by
 * operation and result): the sessions that `open` and `openAs` hand out report each call.
 */
export function instrumented<B extends RegistryBackend>(backend: B, metrics: Metrics): B {
  const session = (r: Registry): Registry =>
    new Proxy(r, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return async (...args: unknown[]) => {
          const stop = metrics.registrySeconds.startTimer({ operation: prop });
          let result = 'ok';
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (err) {
            result = err instanceof RegistryError ? String(err.code) : 'error';
            throw err;
          } finally {
            stop();
            metrics.registryCalls.inc({ operation: prop, result });
          }
        };
      },
    });
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'open' && prop !== 'openAs') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => session((value as (...a: unknown[]) => Registry).apply(target, args));
    },
  });
}
