import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = 'Dmapid-Signature';

export function signatureFor(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${signatureFor(secret, t, body)}`;
}

/**
 * What a receiver checks (and the tests use): the header parses, the HMAC matches, and the time
 * stamp is within `toleranceS` of the receiver's clock, so a recorded delivery cannot be replayed later.
 */
export function verifySignature(secret: string, header: string | undefined, body: string, nowMs: number, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  return timingSafeEqual(Buffer.from(signatureFor(secret, t, body), 'hex'), Buffer.from(m[2]!, 'hex'));
}
