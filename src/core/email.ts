import { checkDomainName } from './domain-name.ts';

/**
 * E-mail addresses for contacts: an RFC 5322 `dot-atom` local part (ASCII, or UTF-8 per RFC 6531
 * for internationalised mail) at a valid DNS domain with at least two labels. Quoted local parts,
 * comments and IP literals are refused: registries and mail gateways reject them in practice.
 * The domain is lowercased (IDNs become A-labels); the local part keeps its case.
 */
export type EmailCheck = { ok: true; value: string } | { ok: false; reason: string };

const atext = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+$/u;

export function normalizeEmail(input: string): EmailCheck {
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return { ok: false, reason: `${s} is not an e-mail address (local@domain)` };
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.includes('@')) return { ok: false, reason: `${s} has more than one @` };
  if (Buffer.byteLength(local) > 64) return { ok: false, reason: `the part before @ of ${s} is longer than 64 octets` };
  const atoms = local.split('.');
  if (atoms.some((a) => a === '')) return { ok: false, reason: `${s} has a dot at the start or end of the local part, or two dots in a row` };
  if (!atoms.every((a) => atext.test(a))) return { ok: false, reason: `the local part of ${s} has a character not allowed in an e-mail address` };
  const d = checkDomainName(domain);
  if (!d.ok) return { ok: false, reason: `the domain of ${s} is invalid (${d.reason})` };
  if (d.labels.length < 2) return { ok: false, reason: `domain of ${s} needs at least two labels` };
  if (/^\d+$/.test(d.labels[d.labels.length - 1]!)) return { ok: false, reason: `domain of ${s} ends in a number` };
  const value = `${local}@${d.ascii}`;
  if (value.length > 254) return { ok: false, reason: `${s} is longer than 254 characters` };
  return { ok: true, value };
}
