import { DmapiError, type ErrorKey } from '../dmapi/errors.ts';
import { RegistryError, type EppErrorCode } from '../registry/port.ts';
import { RegistryTransportError, RegistryUnavailable } from '../registry/faults.ts';

/**
 * How a registry refusal reads on the DMAPI side: the EPP code picks the catalogue entry (the
 * same code where the catalogue has one), the registry's message becomes the Error line.
 */
const byCode: Record<EppErrorCode, ErrorKey> = {
  2002: 'COMMAND_FAILED',
  2003: 'PARAM_MISSING',
  2004: 'PARAM_RANGE',
  2005: 'PARAM_SYNTAX',
  2104: 'INSUFFICIENT_FUNDS',
  2105: 'POLICY_VIOLATION',
  2106: 'POLICY_VIOLATION',
  2201: 'ACCESS_DENIED',
  2202: 'ACCESS_DENIED',
  2300: 'STATUS_PROHIBITS',
  2301: 'STATUS_PROHIBITS',
  2302: 'OBJECT_EXISTS',
  2303: 'OBJECT_NOT_FOUND',
  2304: 'STATUS_PROHIBITS',
  2305: 'OBJECT_IN_USE',
  2306: 'PARAM_POLICY',
  2308: 'POLICY_VIOLATION',
  2400: 'COMMAND_FAILED',
};

export function registryToDmapi(err: RegistryError): DmapiError {
  return new DmapiError(byCode[err.code], `the registry says ${err.message} (EPP ${err.code})`);
}

/** Runs registry calls; a RegistryError comes out as the matching DmapiError (a nack in the worker). */
export async function atRegistry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RegistryError) throw registryToDmapi(err);
    throw err;
  }
}

/**
 * Registry calls of a synchronous request (domain-check): there is no job to try again later,
 * so a registry that cannot be reached answers a plain DMAPI error at once.
 */
export async function atRegistryNow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await atRegistry(fn);
  } catch (err) {
    if (err instanceof RegistryUnavailable || err instanceof RegistryTransportError) throw new DmapiError('COMMAND_FAILED', 'the registry cannot be reached right now; try again later');
    throw err;
  }
}
