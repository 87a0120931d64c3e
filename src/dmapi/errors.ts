/**
 * The DMAPI error catalogue: the only place where Status-Code and Status-Text values live.
 * Codes follow EPP (RFC 5730 §3) as the live server's 2303 / 2200 / 2202 do; -401 is the
 * session code RUBYJA re-logs in on (dmapi-wire §2, §2.3). docs/errors.md is generated from it.
 */
export interface ErrorDef {
  readonly code: number;
  readonly text: string;
  readonly when: string;
}

export const errorCatalogue = {
  SESSION_INVALID: { code: -401, text: 'Authentication error', when: 'The auth-sid (or cookie) is missing, unknown, logged out or expired.' },
  AUTH_FAILED: { code: 2200, text: 'Authentication error', when: 'login with a wrong username/password or an unknown or revoked API key.' },
  LOGIN_THROTTLED: { code: 2502, text: 'Session limit exceeded', when: 'Too many failed logins (or wrong API keys) for the account, from the address, or both, in the last 15 minutes; the Error line says when to try again.' },
  UNKNOWN_REQUEST: { code: 2000, text: 'Unknown command', when: 'The request name is not one dmapid implements (see query-request-list).' },
  PARAM_MISSING: { code: 2003, text: 'Required parameter missing', when: 'A mandatory parameter is absent or empty.' },
  PARAM_SYNTAX: { code: 2005, text: 'Parameter value syntax error', when: 'A parameter value is malformed.' },
  PARAM_RANGE: { code: 2004, text: 'Parameter value range error', when: 'A parameter value is well-formed but outside the allowed range.' },
  PARAM_POLICY: { code: 2306, text: 'Parameter value policy error', when: 'A value breaks a registry or TLD policy.' },
  ADDRESS_NOT_ALLOWED: { code: 2201, text: 'Authorization error', when: "The client address is not on the account's or the API key's list of allowed addresses (docs/integrators.md)." },
  QUOTA_EXCEEDED: { code: 2502, text: 'Session limit exceeded', when: "The account's or the API key's request budget (per minute, per day, or for availability checks) is used up; the Error line and Retry-After say when to try again." },
  ACCESS_DENIED: { code: 2201, text: 'Authorization error', when: "The session's API key scope does not allow this request (read-only keys never modify, modify-only keys never cause costs)." },
  OBJECT_NOT_FOUND: { code: 2303, text: 'Object does not exist', when: "No such object in this account (another reseller's object answers the same)." },
  OBJECT_EXISTS: { code: 2302, text: 'Object exists', when: 'The object to create exists already.' },
  STATUS_PROHIBITS: { code: 2304, text: 'Object status prohibits operation', when: "The object's state (lock, pending operation, …) forbids the request." },
  OBJECT_IN_USE: { code: 2305, text: 'Object association prohibits operation', when: 'The object is still used by another object (a contact or host by a domain).' },
  INSUFFICIENT_FUNDS: { code: 2104, text: 'Billing failure', when: 'The account balance does not cover the price.' },
  POLICY_VIOLATION: { code: 2308, text: 'Data management policy violation', when: 'A request limit or rule of the platform forbids it (renew guard, term ceiling, …).' },
  COMMAND_FAILED: { code: 2400, text: 'Command failed', when: 'The request could not be processed; the Error lines say why.' },
  INTERNAL: { code: 2400, text: 'Command failed', when: 'An unexpected fault; the Error line carries the Tracking-Id also written to the log.' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorKey = keyof typeof errorCatalogue;

/** Thrown by commands and services; the dispatcher turns it into Status-Code/Status-Text/Error lines. */
/** Errors any request may answer, whatever its own list says (the dispatcher's own checks). */
export const universalErrors: readonly ErrorKey[] = ['SESSION_INVALID', 'LOGIN_THROTTLED', 'ADDRESS_NOT_ALLOWED', 'QUOTA_EXCEEDED', 'ACCESS_DENIED', 'PARAM_MISSING', 'PARAM_SYNTAX', 'PARAM_RANGE', 'INTERNAL', 'UNKNOWN_REQUEST'];

export class DmapiError extends Error {
  readonly key: ErrorKey;
  readonly details: readonly string[];
  /** Seconds after which trying again may succeed (the Retry-After header). */
  readonly retryAfter: number | undefined;
  constructor(key: ErrorKey, details: string | readonly string[], retryAfter?: number) {
    const list = typeof details === 'string' ? [details] : details;
    super(list[0] ?? errorCatalogue[key].text);
    this.key = key;
    this.details = list.length > 0 ? list : [errorCatalogue[key].text];
    this.retryAfter = retryAfter;
  }
}

export const notFound = (what: string) => new DmapiError('OBJECT_NOT_FOUND', `${what} not found`);
