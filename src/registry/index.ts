import type { AppDeps } from '../app-deps.ts';
import type { RegistryBackend, RegistrySimulator } from './port.ts';
import { SimulatedRegistry } from './simulated/backend.ts';
import { instrumented } from './instrumented.ts';
import type { Metrics } from '../obs/metrics.ts';

export type { Registry, RegistryBackend, RegistrySimulator } from './port.ts';
export { RegistryError } from './port.ts';
export { OWN_REGISTRAR } from './simulated/backend.ts';

/**
 * The registry backend of an app. One instance per AppDeps (the simulated one is stateless
 * apart from the database). `simulated` is the only backend so far; an `epp` backend will be
 * chosen here from the configuration.
 */
const backends = new WeakMap<AppDeps, RegistryBackend>();

export function registryOf(deps: Pick<AppDeps, 'tlds' | 'dialect'> & { readonly metrics?: Metrics }): RegistryBackend {
  const key = deps as AppDeps;
  let b = backends.get(key);
  if (!b) {
    const simulated = new SimulatedRegistry(deps.tlds, deps.dialect);
    b = deps.metrics ? instrumented(simulated, deps.metrics) : simulated;
    backends.set(key, b);
  }
  return b;
}

/** Puts `backend` behind `deps` (tests wrap the simulator to watch how it is called). */
export function useRegistryBackend(deps: Pick<AppDeps, 'tlds' | 'dialect'>, backend: RegistryBackend): void {
  backends.set(deps as AppDeps, backend);
}

/** The simulator behind an app, for the operator CLI and test fixtures; fails for a real backend. */
export function simulatorOf(deps: Pick<AppDeps, 'tlds' | 'dialect'> & { readonly metrics?: Metrics }): RegistrySimulator {
  const b = registryOf(deps);
  if (b.kind !== 'simulated') throw new Error(`the registry backend is ${b.kind}, not the simulator`);
  return b as RegistrySimulator;
}
