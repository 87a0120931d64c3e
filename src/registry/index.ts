import type { AppDeps } from '../app-deps.ts';
import type { RegistryBackend, RegistrySimulator } from './port.ts';
import { SimulatedRegistry, OWN_REGISTRAR } from './simulated/backend.ts';
import { EppBackend } from './epp/client/backend.ts';
import { loadRegistries } from './epp/client/settings.ts';
import { instrumented } from './instrumented.ts';
import type { Metrics } from '../obs/metrics.ts';

export type { Registry, RegistryBackend, RegistrySimulator } from './port.ts';
export { RegistryError } from './port.ts';
export { OWN_REGISTRAR } from './simulated/backend.ts';

/**
 * The registry backend of an app, one instance per AppDeps, chosen by DMAPID_REGISTRY:
 * `simulated` (stateless apart from the database) or `epp` (session pools per registry of
 * DMAPID_REGISTRIES_FILE, kept for the app's life; closeRegistry ends them).
 */
const backends = new WeakMap<AppDeps, RegistryBackend>();

type BackendDeps = Pick<AppDeps, 'tlds' | 'dialect'> & { readonly metrics?: Metrics; readonly config?: AppDeps['config']; readonly log?: AppDeps['log']; readonly leaseClock?: AppDeps['leaseClock'] };

function create(deps: BackendDeps): RegistryBackend {
  if (deps.config?.registry !== 'epp') return new SimulatedRegistry(deps.tlds, deps.dialect);
  const { config, log, leaseClock } = deps;
  if (!config.registriesFile) throw new Error('DMAPID_REGISTRY=epp needs DMAPID_REGISTRIES_FILE');
  if (!log || !leaseClock) throw new Error('the EPP backend needs the app logger and clock');
  return new EppBackend({ targets: loadRegistries(config.registriesFile), tlds: deps.tlds, log: log.child({ part: 'epp-client' }), clock: () => leaseClock.now(), registrarId: OWN_REGISTRAR });
}

export function registryOf(deps: BackendDeps): RegistryBackend {
  const key = deps as AppDeps;
  let b = backends.get(key);
  if (!b) {
    const made = create(deps);
    b = deps.metrics ? instrumented(made, deps.metrics) : made;
    backends.set(key, b);
  }
  return b;
}

/** Puts `backend` behind `deps` (tests wrap the simulator to watch how it is called). */
export function useRegistryBackend(deps: Pick<AppDeps, 'tlds' | 'dialect'>, backend: RegistryBackend): void {
  backends.set(deps as AppDeps, backend);
}

/** Ends the EPP sessions of an app's backend, if it has one (shutdown). */
export async function closeRegistry(deps: Pick<AppDeps, 'tlds' | 'dialect'>): Promise<void> {
  const b = backends.get(deps as AppDeps) as (RegistryBackend & { close?: () => Promise<void> }) | undefined;
  await b?.close?.();
}

/** The simulator behind an app, for the operator CLI and test fixtures; fails for a real backend. */
export function simulatorOf(deps: BackendDeps): RegistrySimulator {
  const b = registryOf(deps);
  if (b.kind !== 'simulated') throw new Error(`the registry backend is ${b.kind}, not the simulator`);
  return b as RegistrySimulator;
}
