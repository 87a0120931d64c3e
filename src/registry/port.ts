import type { Executor } from '../db/database.ts';

/**
 * The registry backend port: everything the registrar services (contacts, hosts, domains) ask
 * of a registry, in EPP terms (RFC 5730–5733, RFC 3915 grace periods, RFC 9154 auth codes).
 * Services talk only to this interface; `simulated` (registry/simulated/) implements it inside
 * our own database, and an `epp` backend can implement it over the wire later.
 *
 * Registry operations run in the worker (an async request's `perform`), never while an HTTP
 * request waits. Failures are thrown as RegistryError carrying the EPP result code; the
 * services translate them into DMAPI errors (services/registry-errors.ts).
 *
 * Names are lowercase A-labels without the trailing dot; instants are epoch milliseconds.
 */

/** EPP failure result codes the port uses (RFC 5730 §3 and registry-rules §1.10). */
export type EppErrorCode =
  | 2002 // command use error (e.g. requesting the transfer of a name one already sponsors)
  | 2003 // required parameter missing
  | 2004 // parameter value range error (period, expiry date, price not acknowledged)
  | 2005 // parameter value syntax error
  | 2104 // billing failure
  | 2105 // object not eligible for renewal
  | 2106 // object not eligible for transfer (post-create / post-transfer lock)
  | 2201 // authorization error: the object is sponsored by another registrar
  | 2202 // invalid authorization information (wrong auth code)
  | 2300 // object pending transfer
  | 2301 // object not pending transfer
  | 2302 // object exists
  | 2303 // object does not exist
  | 2304 // object status prohibits operation
  | 2305 // object association prohibits operation (linked contact/host, subordinate hosts)
  | 2306 // parameter value policy error (reserved name, special-purpose address, too many NS)
  | 2308 // data management policy violation
  | 2400; // command failed

export class RegistryError extends Error {
  readonly code: EppErrorCode;
  constructor(code: EppErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'RegistryError';
  }
}

/** Domain statuses a sponsoring registrar may set (RFC 5731). */
export type ClientStatus = 'clientDeleteProhibited' | 'clientHold' | 'clientRenewProhibited' | 'clientTransferProhibited' | 'clientUpdateProhibited';
/** Statuses only the registry sets (registry lock, holds). */
export type ServerStatus = 'serverDeleteProhibited' | 'serverHold' | 'serverRenewProhibited' | 'serverTransferProhibited' | 'serverUpdateProhibited';
export type DomainStatus = 'ok' | 'inactive' | ClientStatus | ServerStatus | 'pendingCreate' | 'pendingDelete' | 'pendingRenew' | 'pendingTransfer' | 'pendingUpdate';
export type HostStatus = 'ok' | 'linked' | 'clientDeleteProhibited' | 'clientUpdateProhibited' | 'serverDeleteProhibited' | 'serverUpdateProhibited' | 'pendingDelete' | 'pendingTransfer';
export type ContactStatus = 'ok' | 'linked' | 'clientDeleteProhibited' | 'clientTransferProhibited' | 'clientUpdateProhibited' | 'serverDeleteProhibited' | 'serverTransferProhibited' | 'serverUpdateProhibited';
/** RFC 3915 rgpStatus values. */
export type RgpStatus = 'addPeriod' | 'autoRenewPeriod' | 'renewPeriod' | 'transferPeriod' | 'redemptionPeriod' | 'pendingRestore' | 'pendingDelete';
export type GraceKind = 'addPeriod' | 'renewPeriod' | 'autoRenewPeriod' | 'transferPeriod';
export type TransferStatus = 'pending' | 'clientApproved' | 'clientRejected' | 'clientCancelled' | 'serverApproved' | 'serverCancelled';

export const clientStatuses: readonly ClientStatus[] = ['clientDeleteProhibited', 'clientHold', 'clientRenewProhibited', 'clientTransferProhibited', 'clientUpdateProhibited'];
export const serverStatuses: readonly ServerStatus[] = ['serverDeleteProhibited', 'serverHold', 'serverRenewProhibited', 'serverTransferProhibited', 'serverUpdateProhibited'];

export interface Money {
  /** Minor units (core/money.ts). */
  amount: number;
  currency: string;
}

/** What domain check answers (maps onto DMAPI domain-check's domain-status / domain-class). */
export type Availability =
  | { status: 'available' }
  | { status: 'premium'; class: string; create: Money; renew: Money | undefined }
  /** Registered; `ours` when this platform's registrar sponsors it. `rgp` is set while it is deleted but restorable. */
  | { status: 'registered'; sponsor: string; ours: boolean; rgp: RgpStatus | undefined }
  | { status: 'reserved'; reason: string }
  /** Not a name this registry can register at all (bad syntax, TLD not served, wrong level). */
  | { status: 'invalid'; reason: string };

export interface DsRecord {
  keyTag: number;
  algorithm: number;
  digestType: number;
  /** Upper-case hex. */
  digest: string;
}
export interface KeyRecord {
  flags: number;
  protocol: number;
  algorithm: number;
  /** Base64. */
  publicKey: string;
}
/** secDNS-1.1: DS data or key data, never both (registry-rules §1.8). */
export type DnssecData = { kind: 'ds'; records: DsRecord[] } | { kind: 'key'; records: KeyRecord[] };

export interface TransferInfo {
  name: string;
  status: TransferStatus;
  /** Requesting (gaining) registrar, reID. */
  gaining: string;
  /** Losing registrar, acID. */
  losing: string;
  requestedAt: number;
  /** When the registry approves on its own (acDate). */
  actBy: number;
  /** The expiry the name gets (or got) when the transfer completes. */
  expiresAt: number;
}

export interface DomainInfo {
  name: string;
  /** U-label form (same as name for ASCII names). */
  unicode: string;
  /** Repository object id, `D<n>-SIM`. */
  roid: string;
  tld: string;
  /** Sponsoring registrar (clID). */
  sponsor: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  transferredAt: number | null;
  registrant: string | null;
  admin: string | null;
  tech: string | null;
  billing: string | null;
  /** Delegation, in the order given. */
  nameservers: string[];
  /** Internal hosts under this name. */
  subordinateHosts: string[];
  /** EPP statuses, derived ones (ok, inactive, pending*) included. */
  statuses: DomainStatus[];
  rgp: RgpStatus[];
  dnssec: DnssecData | null;
  /** Whether an auth code is set (its value is never returned: RFC 9154). */
  hasAuthCode: boolean;
  pendingTransfer: TransferInfo | null;
}

export interface DomainCreate {
  name: string;
  /** Must be one of the TLD's create periods (TLD catalogue). */
  periodMonths: number;
  /** Contact ids (handles) sponsored by the acting registrar; which roles are required is TLD policy. */
  registrant?: string | undefined;
  admin?: string | undefined;
  tech?: string | undefined;
  billing?: string | undefined;
  /** Existing host objects (create external hosts first). */
  nameservers?: string[] | undefined;
  /** Initial auth code; none (RFC 9154) when absent. */
  authCode?: string | undefined;
  /** The fee the registrar acknowledges (EPP fee extension); required for premium names. */
  acceptPrice?: Money | undefined;
}

export interface DomainUpdate {
  /** Replaces the delegation (in this order). */
  nameservers?: string[] | undefined;
  registrant?: string | undefined;
  /** null removes the role. */
  admin?: string | null | undefined;
  tech?: string | null | undefined;
  billing?: string | null | undefined;
  addStatuses?: ClientStatus[] | undefined;
  removeStatuses?: ClientStatus[] | undefined;
  /** null removes all DNSSEC data. */
  dnssec?: DnssecData | null | undefined;
}

export interface DeleteOutcome {
  /** True when the name was purged at once (delete inside the add grace period). */
  purged: boolean;
  /** Grace periods whose fees the registry credits back (months of each). */
  credits: Array<{ kind: GraceKind; months: number }>;
  /** When it is gone for good (end of redemption + pending delete); null when purged now. */
  purgeAt: number | null;
}

export interface HostAddresses {
  ipv4: string[];
  ipv6: string[];
}

export interface HostInfo extends HostAddresses {
  name: string;
  roid: string;
  sponsor: string;
  /** Superordinate domain of an internal host; null for an external one. */
  superordinate: string | null;
  statuses: HostStatus[];
  createdAt: number;
  updatedAt: number;
}

export interface HostUpdate {
  ipv4?: string[] | undefined;
  ipv6?: string[] | undefined;
  /** Rename (internal → internal, or internal → external with the addresses dropped). */
  newName?: string | undefined;
}

/** EPP postal info (one `loc` set, UTF-8) plus voice/fax/email and TLD extension fields. */
export interface ContactPostal {
  name: string;
  organization: string;
  /** 1–3 street lines. */
  street: string[];
  city: string;
  state: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** `+CC.NNNN`, or '' when none. */
  voice: string;
  voiceExt: string;
  fax: string;
  email: string;
  /** TLD-specific fields (.eu lang, .us nexus, .uk type, .se orgid, .fi ficora …), DMAPI names. */
  extensions: Record<string, string>;
}

export interface ContactInfo {
  id: string;
  roid: string;
  sponsor: string;
  postal: ContactPostal;
  statuses: ContactStatus[];
  createdAt: number;
  updatedAt: number;
}

export interface PollMessage {
  id: number;
  /** transfer-requested, transfer-approved, transfer-rejected, transfer-cancelled, transfer-auto-approved, autorenew, expired, purged, host-changed … */
  kind: string;
  object: string;
  text: string;
  createdAt: number;
}

/** One registry session acting as one registrar; bound to a unit of work (see RegistryBackend.open). */
export interface Registry {
  /** The registrar this session acts as (clID). */
  readonly registrarId: string;

  // --- domains ---
  /** Availability of a name: available, premium (with prices), registered (by whom), reserved, invalid. */
  checkDomain(name: string): Promise<Availability>;
  /** Full info, or undefined when no such name is registered (purged names are gone). */
  infoDomain(name: string): Promise<DomainInfo | undefined>;
  /** Registers a name: 2302 exists, 2306 reserved/not served/too many NS, 2004 period or unacknowledged premium fee, 2003/2303 contacts or hosts missing. Starts the add grace period. */
  createDomain(input: DomainCreate): Promise<DomainInfo>;
  /** Explicit renew; `currentExpiry` must match the registry's expiry date (UTC day), and the result may not pass 10 years from now (2004). */
  renewDomain(name: string, currentExpiry: number, periodMonths: number): Promise<DomainInfo>;
  /** Deletes: purged at once inside the add grace period, else redemption (RGP) then pending delete. 2305 while it has subordinate hosts. */
  deleteDomain(name: string): Promise<DeleteOutcome>;
  /** Restores a name in its redemption period (request and report in one step); new expiry = now + 1 year. */
  restoreDomain(name: string): Promise<DomainInfo>;
  updateDomain(name: string, change: DomainUpdate): Promise<DomainInfo>;
  /** Sets a fresh random auth code (sponsor only) valid for 14 days and returns it; the registry keeps only its hash. */
  newAuthCode(name: string): Promise<string>;
  /**
   * Sets the auth code the sponsor chose (EPP update chg authInfo, RFC 9154: valid for 14 days,
   * only its hash kept), or removes it (null). Sponsor only; 2304 while pending deletion.
   */
  setAuthCode(name: string, code: string | null): Promise<void>;
  /** Whether `code` is the name's current, unexpired auth code. */
  verifyAuthCode(name: string, code: string): Promise<boolean>;

  // --- transfers (RFC 5731 transfer op=request/query/approve/reject/cancel) ---
  /** Asks to move a name to the acting registrar: 2002 already sponsor, 2300 pending, 2304 locked, 2202 wrong code, 2106 inside a transfer lock window. */
  requestTransfer(name: string, authCode: string | undefined, periodMonths?: number): Promise<TransferInfo>;
  /** The latest transfer of a name (pending or finished); party or code holder only. */
  queryTransfer(name: string): Promise<TransferInfo | undefined>;
  /** Losing registrar only. */
  approveTransfer(name: string): Promise<TransferInfo>;
  /** Losing registrar only. */
  rejectTransfer(name: string): Promise<TransferInfo>;
  /** Gaining registrar only. */
  cancelTransfer(name: string): Promise<TransferInfo>;

  // --- hosts (RFC 5732) ---
  /** Whether a host object of that name exists (any sponsor). */
  checkHost(name: string): Promise<boolean>;
  /** Internal hosts need an address and a superordinate domain the acting registrar sponsors; external hosts take none. */
  createHost(name: string, addresses: HostAddresses): Promise<HostInfo>;
  updateHost(name: string, change: HostUpdate): Promise<HostInfo>;
  /** 2305 while a domain delegates to it. */
  deleteHost(name: string): Promise<void>;
  infoHost(name: string): Promise<HostInfo | undefined>;

  // --- contacts (RFC 5733) ---
  checkContact(id: string): Promise<boolean>;
  createContact(id: string, postal: ContactPostal): Promise<ContactInfo>;
  /** Replaces the given parts of the postal data (sponsor only). */
  updateContact(id: string, postal: Partial<ContactPostal>): Promise<ContactInfo>;
  /** 2305 while a domain uses the contact. */
  deleteContact(id: string): Promise<void>;
  /** Undefined when missing; 2201 for another registrar's contact. */
  infoContact(id: string): Promise<ContactInfo | undefined>;

  // --- poll queue ---
  /** The oldest unacknowledged messages for the acting registrar. */
  poll(limit?: number): Promise<PollMessage[]>;
  ack(messageId: number): Promise<void>;
}

export interface SweepReport {
  autoRenewed: string[];
  expired: string[];
  transfersApproved: string[];
  purged: string[];
  gracesEnded: number;
}

export interface RegistryBackend {
  readonly kind: 'simulated' | 'epp';
  /** This platform's registrar id at the registry. */
  readonly registrarId: string;
  /**
   * A session for one unit of work at `now`. The simulated registry reads and writes through
   * `db`, so pass the worker's transaction: the registry change and the registrar's own rows
   * commit (or roll back) together.
   */
  open(db: Executor, now: number): Registry;
  /** Time-driven registry work: auto-renew or expiry, transfer auto-approval, grace ends, purges. */
  sweep(db: Executor, now: number): Promise<SweepReport>;
}

/** The simulated registry's extra powers: acting as other registrars and planting objects. */
export interface RegistrySimulator extends RegistryBackend {
  readonly kind: 'simulated';
  /** A session acting as another registrar (to approve a transfer-in, request a transfer-out …). */
  openAs(registrarId: string, db: Executor, now: number): Registry;
  addRegistrar(db: Executor, now: number, r: { id: string; name: string; ianaId?: number | null }): Promise<void>;
  listRegistrars(db: Executor): Promise<Array<{ id: string; name: string; ianaId: number | null; domains: number }>>;
  /**
   * Places an existing registration directly (no period, premium or lock checks), as if the
   * sponsor had registered it long ago: seeds foreign names and test fixtures. Missing
   * registrant contact and external name servers are created for the sponsor.
   */
  plantDomain(
    db: Executor,
    now: number,
    d: { name: string; sponsor: string; createdAt?: number; expiresAt?: number; authCode?: string; nameservers?: string[]; statuses?: Array<ClientStatus | ServerStatus>; registrant?: string },
  ): Promise<DomainInfo>;
  listDomains(db: Executor, sponsor?: string): Promise<Array<{ name: string; sponsor: string; expiresAt: number; statuses: string }>>;
}
