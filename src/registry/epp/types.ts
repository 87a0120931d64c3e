import type { DnssecData, RgpStatus, TransferStatus } from '../port.ts';

/**
 * The EPP frames the codec speaks, as typed data close to the XML (RFC 5730-5733, 3915,
 * 5910, 8748, 9154). mapping.ts turns them into the registry port's types and back.
 * Instants are epoch milliseconds; names are as sent (the server normalises).
 */

export type TransferOp = 'request' | 'query' | 'approve' | 'reject' | 'cancel';
export interface Period {
  value: number;
  unit: 'y' | 'm';
}
export interface ContactRef {
  type: 'admin' | 'tech' | 'billing';
  id: string;
}
export interface HostAddr {
  ip: 'v4' | 'v6';
  addr: string;
}
/** A fee the client acknowledges (fee-1.0 on create/renew/transfer/update/restore). */
export interface FeeAck {
  currency: string;
  /** Decimal string as on the wire, e.g. `100.00`. */
  fee: string;
}

export interface HostAddRem {
  addrs?: HostAddr[] | undefined;
  statuses?: string[] | undefined;
}
export interface DomainAddRem {
  ns?: string[] | undefined;
  contacts?: ContactRef[] | undefined;
  statuses?: string[] | undefined;
}
/** secDNS-1.1 update: `remAll` is `<secDNS:rem><secDNS:all>true</…>`. */
export interface SecDnsUpdate {
  remAll?: boolean | undefined;
  rem?: DnssecData | undefined;
  add?: DnssecData | undefined;
}
export interface RestoreReport {
  preData: string;
  postData: string;
  delTime: number;
  resTime: number;
  resReason: string;
  statements: string[];
  other?: string | undefined;
}
export type Restore = { op: 'request' } | { op: 'report'; report: RestoreReport };

export interface PostalInfo {
  type: 'loc' | 'int';
  name: string;
  org?: string | undefined;
  street: string[];
  city: string;
  sp?: string | undefined;
  pc?: string | undefined;
  cc: string;
}
export interface ContactData {
  postalInfo: PostalInfo[];
  voice?: string | undefined;
  voiceExt?: string | undefined;
  fax?: string | undefined;
  email: string;
}
export interface ContactChange {
  postalInfo?: { type: 'loc' | 'int'; name?: string | undefined; org?: string | undefined; addr?: { street: string[]; city: string; sp?: string | undefined; pc?: string | undefined; cc: string } | undefined };
  voice?: string | undefined;
  voiceExt?: string | undefined;
  fax?: string | undefined;
  email?: string | undefined;
  authInfo?: string | undefined;
}
/** TLD-specific contact fields (.eu lang, .us nexus …): dmapid's own extension, DMAPI names. */
export type ContactFields = Record<string, string>;

export interface FeeCheck {
  currency?: string | undefined;
  commands: Array<{ name: 'create' | 'renew' | 'transfer' | 'restore'; period?: Period | undefined }>;
}

export type Command = (
  | { cmd: 'login'; clID: string; pw: string; newPW?: string | undefined; lang?: string | undefined; objURIs: string[]; extURIs: string[] }
  | { cmd: 'logout' }
  | { cmd: 'poll'; op: 'req' }
  | { cmd: 'poll'; op: 'ack'; msgID: string }
  | { cmd: 'domain:check'; names: string[]; fee?: FeeCheck | undefined }
  | { cmd: 'domain:info'; name: string; hosts?: 'all' | 'del' | 'sub' | 'none' | undefined; authInfo?: string | undefined }
  | { cmd: 'domain:create'; name: string; period?: Period | undefined; ns?: string[] | undefined; registrant?: string | undefined; contacts?: ContactRef[] | undefined; authInfo: string; dnssec?: DnssecData | undefined; fee?: FeeAck | undefined }
  | { cmd: 'domain:delete'; name: string }
  | { cmd: 'domain:renew'; name: string; curExpDate: string; period?: Period | undefined; fee?: FeeAck | undefined }
  | { cmd: 'domain:transfer'; op: TransferOp; name: string; period?: Period | undefined; authInfo?: string | undefined; fee?: FeeAck | undefined }
  | {
      cmd: 'domain:update';
      name: string;
      add?: DomainAddRem | undefined;
      rem?: DomainAddRem | undefined;
      /** registrant '' clears it; authInfo null is `<domain:null/>` (RFC 9154 unset), '' an empty pw. */
      chg?: { registrant?: string | undefined; authInfo?: string | null | undefined } | undefined;
      secDNS?: SecDnsUpdate | undefined;
      restore?: Restore | undefined;
      fee?: FeeAck | undefined;
    }
  | { cmd: 'host:check'; names: string[] }
  | { cmd: 'host:info'; name: string }
  | { cmd: 'host:create'; name: string; addrs: HostAddr[] }
  | { cmd: 'host:delete'; name: string }
  | { cmd: 'host:update'; name: string; add?: HostAddRem | undefined; rem?: HostAddRem | undefined; newName?: string | undefined }
  | { cmd: 'contact:check'; ids: string[] }
  | { cmd: 'contact:info'; id: string; authInfo?: string | undefined }
  | { cmd: 'contact:create'; id: string; data: ContactData; authInfo: string; fields?: ContactFields | undefined }
  | { cmd: 'contact:delete'; id: string }
  | { cmd: 'contact:update'; id: string; addStatuses?: string[] | undefined; remStatuses?: string[] | undefined; chg?: ContactChange | undefined; fields?: ContactFields | undefined }
  | { cmd: 'contact:transfer'; op: TransferOp; id: string; authInfo?: string | undefined }
) & { clTRID?: string | undefined };

export type CommandName = Command['cmd'];

/** What a client sends: a hello or a command. */
export type ClientFrame = { kind: 'hello' } | { kind: 'command'; command: Command };

export interface Greeting {
  svID: string;
  svDate: number;
  versions: string[];
  langs: string[];
  objURIs: string[];
  extURIs: string[];
}

export interface Result {
  code: number;
  msg: string;
}

export interface CheckItem {
  id: string;
  avail: boolean;
  reason?: string | undefined;
}

export interface DomainInfData {
  name: string;
  roid: string;
  statuses: string[];
  registrant?: string | undefined;
  contacts: ContactRef[];
  ns: string[];
  hosts: string[];
  clID: string;
  crID?: string | undefined;
  crDate?: number | undefined;
  upID?: string | undefined;
  upDate?: number | undefined;
  exDate?: number | undefined;
  trDate?: number | undefined;
  /** RFC 9154: an empty pw tells the sponsor a code is set; the value is never returned. */
  authInfo?: string | undefined;
}
/** What host and contact info share: identity, statuses, sponsor and the change stamps. */
export interface ObjectStamps {
  roid: string;
  statuses: string[];
  clID: string;
  crID: string;
  crDate: number;
  upID?: string | undefined;
  upDate?: number | undefined;
  trDate?: number | undefined;
}
export interface HostInfData extends ObjectStamps {
  name: string;
  addrs: HostAddr[];
}
export interface ContactInfData extends ContactData, ObjectStamps {
  id: string;
}
export interface TrnData {
  /** Domain name or contact id. */
  id: string;
  trStatus: TransferStatus;
  reID: string;
  reDate: number;
  acID: string;
  acDate: number;
  exDate?: number | undefined;
}

export type ResData =
  | { type: 'domain:chkData'; cds: CheckItem[] }
  | { type: 'domain:infData'; data: DomainInfData }
  | { type: 'domain:creData'; name: string; crDate: number; exDate?: number | undefined }
  | { type: 'domain:renData'; name: string; exDate?: number | undefined }
  | { type: 'domain:trnData'; data: TrnData }
  | { type: 'domain:panData'; name: string; paResult: boolean; paTRID: { clTRID?: string | undefined; svTRID: string }; paDate: number }
  | { type: 'host:chkData'; cds: CheckItem[] }
  | { type: 'host:infData'; data: HostInfData }
  | { type: 'host:creData'; name: string; crDate: number }
  | { type: 'contact:chkData'; cds: CheckItem[] }
  | { type: 'contact:infData'; data: ContactInfData }
  | { type: 'contact:creData'; id: string; crDate: number }
  | { type: 'contact:trnData'; data: TrnData };

export interface FeeCheckItem {
  name: string;
  avail: boolean;
  class?: string | undefined;
  commands: Array<{ name: string; period?: Period | undefined; fee?: string | undefined; standard?: boolean | undefined }>;
  reason?: string | undefined;
}

export interface ResponseExtensions {
  /** rgp-1.0 infData (on domain info) or upData (on restore). */
  rgp?: { kind: 'infData' | 'upData'; statuses: RgpStatus[] } | undefined;
  /** secDNS-1.1 infData on domain info. */
  secDNS?: DnssecData | undefined;
  /** fee-1.0 result on a transform command (creData, renData …): what was charged. */
  fee?: { kind: 'creData' | 'renData' | 'trnData' | 'updData' | 'delData'; currency?: string | undefined; fees: string[]; credits: string[] } | undefined;
  /** fee-1.0 chkData on domain check. */
  feeCheck?: { currency: string; cds: FeeCheckItem[] } | undefined;
  /** dmapid-1.0: what a poll message is about (no standard place). */
  poll?: { kind: string; object: string } | undefined;
  /** dmapid-1.0: TLD-specific contact fields in contact info. */
  contactFields?: ContactFields | undefined;
}

export interface Response {
  results: Result[];
  msgQ?: { count: number; id: string; qDate?: number | undefined; msg?: string | undefined } | undefined;
  resData?: ResData | undefined;
  ext?: ResponseExtensions | undefined;
  clTRID?: string | undefined;
  svTRID: string;
}

export type ServerFrame = { kind: 'greeting'; greeting: Greeting } | { kind: 'response'; response: Response };
