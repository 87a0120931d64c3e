/**
 * The DMAPI zone model: what a `dns-zone-put` line means once parsed. Record text fields are kept
 * as the client wrote them (labels, targets) so `dns-zone-get` echoes them; the DNS view
 * (to-dns.ts) normalises them.
 */
export const recordTypes = ['A', 'AAAA', 'MX', 'CNAME', 'TXT', 'SRV', 'NAPTR', 'CAA', 'URL', 'FRAME', 'MAILFW', 'DYNA', 'DYNAAAA', 'NS'] as const;
export type ZoneRecordType = (typeof recordTypes)[number];

/** HTTP statuses a URL record may ask for; without one the redirect service answers 302. */
export const redirectStatuses = [301, 302, 303, 307, 308] as const;
export type RedirectStatus = (typeof redirectStatuses)[number];
export const DEFAULT_REDIRECT_STATUS: RedirectStatus = 302;

interface Common {
  /** `@`, a relative label (`www`, `*.dev`, `_sip._tcp`), or for MAILFW the mailbox name. */
  label: string;
  ttl: number;
  /** UNIX seconds or 0: the record is not served before / after these instants. */
  validFrom: number;
  validTo: number;
}

export type AddressRecord = Common & { type: 'A' | 'AAAA' | 'DYNA' | 'DYNAAAA'; address: string };
export type CnameRecord = Common & { type: 'CNAME'; target: string };
export type NsRecord = Common & { type: 'NS'; host: string };
export type MxRecord = Common & { type: 'MX'; preference: number; exchange: string };
export type TxtRecord = Common & { type: 'TXT'; text: string };
export type SrvRecord = Common & { type: 'SRV'; priority: number; weight: number; target: string; port: number };
export type NaptrRecord = Common & { type: 'NAPTR'; order: number; preference: number; replacement: string; flags: string; service: string; regexp: string };
export type CaaRecord = Common & { type: 'CAA'; flags: number; tag: string; value: string };
export type UrlRecord = Common & { type: 'URL'; url: string; status: RedirectStatus | null };
export type FrameRecord = Common & { type: 'FRAME'; url: string; headers: string; head: string; title: string; body: string };
export type MailfwRecord = Common & { type: 'MAILFW'; address: string; spamFilter: boolean };

export type ZoneRecord =
  | AddressRecord
  | CnameRecord
  | NsRecord
  | MxRecord
  | TxtRecord
  | SrvRecord
  | NaptrRecord
  | CaaRecord
  | UrlRecord
  | FrameRecord
  | MailfwRecord;

export interface DynDnsSetting {
  enabled: boolean;
  user: string;
  password: string;
}

/** A whole hosted zone as dns-zone-get shows it. */
export interface ZoneData {
  dnssec: boolean;
  dyndns: DynDnsSetting;
  records: ZoneRecord[];
}

export const dyndnsOff: DynDnsSetting = { enabled: false, user: '', password: '' };

/** Whether a record is in effect at `now` (epoch ms): valid-from/valid-to are inclusive UNIX seconds, 0 = open. */
export function isActive(r: Pick<Common, 'validFrom' | 'validTo'>, now: number): boolean {
  return (r.validFrom === 0 || now >= r.validFrom * 1000) && (r.validTo === 0 || now < (r.validTo + 1) * 1000);
}

/** The instants (epoch ms) at which some record of the zone appears or disappears, sorted. */
export function validityBounds(records: readonly ZoneRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (r.validFrom > 0) out.push(r.validFrom * 1000);
    if (r.validTo > 0) out.push((r.validTo + 1) * 1000);
  }
  return out.sort((a, b) => a - b);
}
