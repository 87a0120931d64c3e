import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The hand-written database shape. Cross-dialect rules (stack.md §1.2): instants are epoch
 * milliseconds in bigint columns, booleans are 0/1 integers, money is integer minor units,
 * JSON is text, names are lowercase A-labels.
 */
export interface Database {
  request_budgets: RequestBudgetsTable;
  idempotency_keys: IdempotencyKeysTable;
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  results: ResultsTable;
  jobs: JobsTable;
  settings: SettingsTable;
  domains: DomainsTable;
  contacts: ContactsTable;
  expiry_reminders: ExpiryRemindersTable;
  hosts: HostsTable;
  domain_nameservers: DomainNameserversTable;
  id_counters: IdCountersTable;
  registry_registrars: RegistryRegistrarsTable;
  registry_frames: RegistryFramesTable;
  registry_poll_messages: RegistryPollMessagesTable;
  registry_contacts: RegistryContactsTable;
  registry_domains: RegistryDomainsTable;
  registry_hosts: RegistryHostsTable;
  registry_domain_ns: RegistryDomainNsTable;
  registry_grace: RegistryGraceTable;
  registry_transfers: RegistryTransfersTable;
  registry_messages: RegistryMessagesTable;
  zones: ZonesTable;
  zone_changes: ZoneChangesTable;
  dnssec_keys: DnssecKeysTable;
  dnssec_zones: DnssecZonesTable;
  mail_outbox: MailOutboxTable;
  grants: GrantsTable;
  whois_emails: WhoisEmailsTable;
  whois_verifications: WhoisVerificationsTable;
  prices: PricesTable;
  promos: PromosTable;
  orders: OrdersTable;
  ledger: LedgerTable;
  transfers_in: TransfersInTable;
  transfer_events: TransferEventsTable;
  transfers_out: TransfersOutTable;
  owner_changes: OwnerChangesTable;
  sim_transfer_policies: SimTransferPoliciesTable;
}

export type Scope = 'full' | 'read-only' | 'modify-only';

export type AccountRole = 'reseller' | 'operator';

export interface AccountsTable {
  id: Generated<number>;
  login: string;
  email: string;
  password_hash: string | null;
  currency: string;
  /** Booked money (minor units): what query-account-balance calls total. */
  balance: number;
  /** Money held for queued operations (minor units): `pending`. */
  reserved: ColumnType<number, number | undefined, number>;
  /** Reseller rebate in hundredths of a percent (2000 = 20 %). */
  rebate_bp: ColumnType<number, number | undefined, number>;
  contract_date: string;
  /** JSON object of profile fields (fname, lname, organization, address-1 …). */
  profile: ColumnType<string, string | undefined, string>;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  /** `operator`: may use the console's operator pages (migration 0026). */
  role: ColumnType<AccountRole, AccountRole | undefined, AccountRole>;
  created_at: number;
  last_login_at: number | null;
  last_login_ip: string | null;
  last_error: string | null;
  last_error_ip: string | null;
  /** 1: new domains renew automatically unless domain-register says otherwise (user-set-property). */
  autorenew_default: ColumnType<number, number | undefined, number>;
  /** Goes up with every update of the row (a trigger): what cached copies are checked against. */
  version: ColumnType<number, never, never>;
  /** JSON AccessPolicy (src/services/access-policy.ts), or null (migration 0027). */
  access_policy: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  account_id: number;
  /** sha256 hex of the key; the key itself is shown once at creation. */
  key_hash: string;
  /** First characters of the key, to tell keys apart in listings. */
  key_prefix: string;
  scope: Scope;
  label: string;
  created_at: number;
  revoked_at: number | null;
  /** JSON AccessPolicy (src/services/access-policy.ts), or null (migration 0027). */
  access_policy: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionsTable {
  /** sha256 hex of the Auth-Sid. */
  id: string;
  account_id: number;
  scope: Scope;
  api_key_id: number | null;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
  ip: string | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  /** `user:<login>` or `ip:<address>`. */
  key: string;
  at: number;
}

export type ResultStatus = '?' | 'ack' | 'nack';

export interface ResultsTable {
  /** The Proc-ID. */
  id: Generated<number>;
  account_id: number;
  svtrid: string;
  cltrid: string | null;
  request_type: string;
  object_name: string;
  status: ResultStatus;
  /** Free text of the outcome; null once deleted or purged. */
  content: string | null;
  created_at: number;
  completed_at: number | null;
  deleted_at: number | null;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON payload handed to the job's handler. */
  payload: string;
  result_id: number | null;
  account_id: number | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
  /** The registry object acted on (`domain:<name>`, `contact:<handle>`, `host:<name>`): one job per key at a time. */
  object_key: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface DomainsTable {
  id: Generated<number>;
  account_id: number;
  /** Lowercase A-label. */
  name: string;
  tld: string;
  created_at: number;
  expires_at: number;
  updated_at: number;
  autorenew: number;
  locked: number;
  /** Contact handles of the four roles (0002); null where the TLD does not use the role. */
  owner_c: ColumnType<string | null, string | null | undefined, string | null>;
  admin_c: ColumnType<string | null, string | null | undefined, string | null>;
  tech_c: ColumnType<string | null, string | null | undefined, string | null>;
  billing_c: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set while the domain is suspended (clientHold); see suspension_reason. */
  suspended_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** Why: `whois-verification` (the owner e-mail was not confirmed in time, or was refused). */
  suspension_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** Lifecycle (0007): active; redemption (deleted or expired, restorable); pending-delete (gone soon). */
  status: ColumnType<DomainState, DomainState | undefined, DomainState>;
  /** The registry's repository object id. */
  roid: ColumnType<string | null, string | null | undefined, string | null>;
  /** Privacy in force (showprivacy privacy-status). */
  privacy: ColumnType<PrivacyLevel, PrivacyLevel | undefined, PrivacyLevel>;
  /** Privacy level bought (privacy-origin); `off` when none. */
  privacy_origin: ColumnType<PrivacyLevel, PrivacyLevel | undefined, PrivacyLevel>;
  privacy_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
  registrar_tag: ColumnType<string | null, string | null | undefined, string | null>;
  /** IDN language of the registration (ISO 639-1 code). */
  language: ColumnType<string | null, string | null | undefined, string | null>;
  whois_opt_out: ColumnType<number, number | undefined, number>;
  gdpr_opt_in: ColumnType<number, number | undefined, number>;
  /** JSON DnssecData (registry/port.ts); null when unsigned. */
  dnssec: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the last accepted renewal was requested (the 6-hour renew guard). */
  last_renewed_at: ColumnType<number | null, number | null | undefined, number | null>;
  deleted_at: ColumnType<number | null, number | null | undefined, number | null>;
  redemption_ends_at: ColumnType<number | null, number | null | undefined, number | null>;
  purge_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** The order that paid the registration (refunded by a delete within 72 hours). */
  create_order_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** domain-delete type=endoflife: lapse at expiry instead of renewing. */
  delete_at_expiry: ColumnType<number, number | undefined, number>;
}

export type DomainState = 'active' | 'redemption' | 'pending-delete';
export type PrivacyLevel = 'off' | 'basic' | 'pro';

/** A list price (retail, netto, before rebate and VAT) per year of the period; see src/billing. */
export interface PricesTable {
  id: Generated<number>;
  tld: string;
  /** create | renew | transfer | restore | trustee | privacy-basic | privacy-pro */
  operation: string;
  currency: string;
  /** Minor units per year; for restore the flat fee. */
  amount: number;
  min_years: number;
  max_years: number;
  /** The currency the registry bills the TLD in (query-price-list `tld-currency`). */
  tld_currency: string;
  /** 0 for a shipped default. */
  updated_at: number;
}

export interface PromosTable {
  id: Generated<number>;
  tld: string;
  /** create | renew | transfer */
  operation: string;
  currency: string;
  /** Netto minor units: per year for `flex`, for the whole `min_years` period for `exact`. */
  price: number;
  min_years: number;
  max_years: number;
  period_type: 'flex' | 'exact';
  valid_from: number;
  /** Inclusive end instant. */
  valid_to: number;
  note: ColumnType<string, string | undefined, string>;
  created_at: number;
}

/** What query-order-list shows: one row per priced (or, with show-all, unpriced) operation. */
export interface OrdersTable {
  /** The order_id. */
  id: Generated<number>;
  account_id: number;
  proc_id: number | null;
  created_at: number;
  completed_at: number | null;
  status: 'ok' | 'error' | 'pending';
  type: string;
  /** Positive: paid by the reseller; negative: credited (refunds, top-ups). */
  amount_brutto: number;
  amount_netto: number;
  vat_bp: ColumnType<number, number | undefined, number>;
  currency: string;
  /** Domain, contact handle or other object the order concerns. */
  identifier: string;
  tld: string | null;
  /** Money this order holds in `accounts.reserved` while pending. */
  held: ColumnType<number, number | undefined, number>;
  /** How much of this order has been refunded so far (refunds never exceed amount_brutto). */
  refunded: ColumnType<number, number | undefined, number>;
  /** The order a refund gives money back for. */
  refund_of: number | null;
}

export type LedgerKind = 'charge' | 'refund' | 'reserve' | 'commit' | 'release' | 'topup' | 'debit';

/** Every movement of an account's balance or reservation, written with the accounts update. */
export interface LedgerTable {
  id: Generated<number>;
  account_id: number;
  order_id: number | null;
  kind: LedgerKind;
  /** Change of accounts.balance (minor units). */
  amount: number;
  /** Change of accounts.reserved. */
  reserved_delta: number;
  balance_after: number;
  reserved_after: number;
  created_at: number;
  note: ColumnType<string, string | undefined, string>;
}

/** A hosted zone (src/zone/); the records are the DMAPI zone model as JSON, in put order. */
/** One change of a hosted zone (src/zone/journal.ts). */
export interface ZoneChangesTable {
  id: Generated<number>;
  zone_id: number;
  /** The serial served just before the change, and the one the change made. */
  serial_from: number;
  serial_to: number;
  /** The zone before the change: its base serial and DynDNS switch. */
  old_base: number;
  old_dyndns: number;
  /** JSON arrays of DMAPI zone records: what the change took away and what it put in. */
  removed: string;
  added: string;
  changed_at: number;
}

export interface DnssecKeysTable {
  id: Generated<number>;
  zone_id: number;
  role: 'ksk' | 'zsk';
  /** 13 (ECDSAP256SHA256) or 15 (Ed25519). */
  algorithm: number;
  key_tag: number;
  /** The DNSKEY public key field, base64. */
  public_key: string;
  /** The PKCS#8 private key sealed with AES-256-GCM (src/zone/dnssec-keys.ts), base64 of nonce | ciphertext | tag. */
  sealed_key: string;
  /** published (in DNSKEY, not signing), active (signing), retired (in DNSKEY, no longer signing). */
  state: 'published' | 'active' | 'retired';
  created_at: number;
  state_since: number;
}

export interface DnssecZonesTable {
  zone_id: number;
  /** signing; unwinding ($dnssec=no: the DS goes first, signing stops a wait later). */
  status: 'signing' | 'unwinding';
  status_since: number;
  /** The signing epoch: signatures are valid from an hour before it for the configured validity; re-signing moves it. */
  signed_at: number;
  /** The DS records (JSON DnssecData) last sent to the parent for a domain registered here; null when none. */
  parent_ds: string | null;
  /** none (not registered here or no DNSSEC at the TLD), pending (a DS job is queued), current (the parent has parent_ds). */
  ds_state: 'none' | 'pending' | 'current';
  /** When the parent's DS last changed (a DS job completed). */
  ds_changed_at: number | null;
}

export interface ZonesTable {
  id: Generated<number>;
  domain_id: number;
  account_id: number;
  /** The domain name: lowercase A-label. */
  name: string;
  /** SOA serial before validity windows; see src/zone/serial.ts for the served value. */
  serial: number;
  dnssec: ColumnType<number, number | undefined, number>;
  dyndns: ColumnType<number, number | undefined, number>;
  dyndns_user: ColumnType<string, string | undefined, string>;
  /** argon2id hash of the DynDNS password ('' when none); dns-zone-get shows a mask instead. */
  dyndns_password: ColumnType<string, string | undefined, string>;
  /** JSON array of ZoneRecord (src/zone/records.ts). */
  records: ColumnType<string, string | undefined, string>;
  /** JSON array of epoch-ms instants at which a record's valid-from/valid-to takes effect, sorted. */
  validity_bounds: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
}

/** An expiry reminder mailed (src/services/expiry-reminders.ts). */
export interface ExpiryRemindersTable {
  domain_id: number;
  expires_at: number;
  stage: 'month' | 'week' | 'expired';
  sent_at: number;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type ResultRow = Selectable<ResultsTable>;
export type JobRow = Selectable<JobsTable>;

/** One EPP exchange of a job's registry call (migration 0021); passwords and auth codes masked. */
export interface RegistryFramesTable {
  id: Generated<number>;
  job_id: number | null;
  /** The registry's name in the registries file. */
  registry: string;
  /** The command (`domain:create`, `poll` …). */
  command: string;
  /** The first result code; null when no answer came. */
  result_code: number | null;
  sent: string;
  received: string | null;
  at: number;
}
export type RegistryFrameRow = Selectable<RegistryFramesTable>;

/** A message read from an EPP registry's poll queue and acknowledged there (migration 0021). */
export interface RegistryPollMessagesTable {
  id: Generated<number>;
  registry: string;
  message_id: string;
  kind: string;
  object: string;
  text: string;
  queued_at: number;
  received_at: number;
  /** When dmapid acted on it (registry-messages.ts); null: still to look at. */
  handled_at: number | null;
  /** What dmapid made of it, for the operator. */
  outcome: string | null;
}

export type MailStatus = 'held' | 'queued' | 'sent' | 'failed';

/** Every e-mail the platform owes someone, written in the transaction that causes it (src/mail). */
export interface MailOutboxTable {
  id: Generated<number>;
  /** The reseller the mail concerns, when there is one. */
  account_id: number | null;
  /** Template that rendered it: whois-verification, grant-invitation, … */
  kind: string;
  /** Domain (or other object) the mail is about. */
  object_name: ColumnType<string, string | undefined, string>;
  to_address: string;
  from_address: string;
  subject: string;
  body: string;
  /** `<token@domain>`, fixed at creation so retries never look like new mails. */
  message_id: string;
  /** held: no SMTP relay configured; queued: waiting for the worker; sent; failed: gave up. */
  status: MailStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: number;
  next_attempt_at: number | null;
  sent_at: number | null;
}

export type GrantRole = '@admin' | '@billing' | '@tech' | '@creator';
export type GrantState = 'pending' | 'active' | 'declined' | 'revoked' | 'expired' | 'transferred';

/** A role on a domain for another account: a pending invitation (with a key) or an active grant. */
export interface GrantsTable {
  /** The `scope` of grants-list / grants-revoke. */
  id: Generated<number>;
  domain_id: number;
  inviter_account_id: number;
  role: GrantRole;
  email: string;
  nickname: string;
  invitee_account_id: number | null;
  /** sha256 of the invitation key (mailed; shown by grants-list showkey=1); null for silent grants. */
  invite_key: string | null;
  /** What the key derives from (src/services/answer-keys.ts); null for keys stored before 0012. */
  invite_nonce: ColumnType<string | null, string | null | undefined, string | null>;
  state: GrantState;
  created_at: number;
  expires_at: number | null;
  accepted_at: number | null;
  ended_at: number | null;
  /** JSON CreatorTerms of a @creator invitation (src/services/grants.ts); null for other roles. */
  terms: ColumnType<string | null, string | null | undefined, string | null>;
}

export type WhoisEmailStatus = 'pending' | 'verified' | 'invalid';

/** An owner e-mail address under whois verification; one key per address, shared by its domains. */
export interface WhoisEmailsTable {
  id: Generated<number>;
  /** Lowercase. */
  email: string;
  status: WhoisEmailStatus;
  /** sha256 of the verification key; the key derives from verify_nonce (null before 0012). */
  verify_key: string;
  verify_nonce: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: number;
  updated_at: number;
  verified_at: number | null;
}

/** pending: within its deadline; overdue / refused: domain suspended; verified / superseded: closed. */
export type WhoisVerificationState = 'pending' | 'overdue' | 'refused' | 'verified' | 'superseded';

/** One domain waiting for its owner e-mail to be confirmed. */
export interface WhoisVerificationsTable {
  id: Generated<number>;
  email_id: number;
  domain_id: number;
  state: WhoisVerificationState;
  started_at: number;
  deadline_at: number;
  reminded_at: number | null;
  resolved_at: number | null;
}

export type MailRow = Selectable<MailOutboxTable>;
export type GrantRow = Selectable<GrantsTable>;

/** A reseller's contact (registrar side); the registry holds its own copy (registry_contacts). */
export interface ContactsTable {
  id: Generated<number>;
  account_id: number;
  /** Upper-case, `<prefix>-<number>`, unique across the platform. */
  handle: string;
  /** The TLD it was created for (decides its rule set and prefix). */
  tld: string;
  name: string;
  organization: string;
  email: string;
  /** JSON object of every normalised DMAPI contact field (core/contact.ts ContactFields). */
  fields: string;
  created_at: number;
  updated_at: number;
}

/** A reseller's name server (host object); addresses are canonical and comma-separated. */
export interface HostsTable {
  id: Generated<number>;
  account_id: number;
  /** Lowercase A-label, unique. */
  name: string;
  ipv4: ColumnType<string, string | undefined, string>;
  ipv6: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
}

/** A domain's delegation, in ns-list order. */
export interface DomainNameserversTable {
  domain_id: number;
  position: number;
  /** Host name, lowercase A-label. */
  host: string;
}

/** Named counters (contact handle numbers). */
export interface IdCountersTable {
  name: string;
  value: number;
}

/** Simulated registry: the registrars it knows; `dmapid` is this platform. */
export interface RegistryRegistrarsTable {
  id: string;
  name: string;
  iana_id: number | null;
  created_at: number;
  /** argon2id hash of the registrar's EPP login password (migration 0018); null: no EPP login. */
  epp_password_hash: Generated<string | null>;
}

export interface RegistryContactsTable {
  id: Generated<number>;
  /** The EPP contact id (the registrar's handle). */
  handle: string;
  sponsor: string;
  /** JSON ContactPostal (registry/port.ts). */
  data: string;
  /** Comma-separated client/server statuses. */
  statuses: ColumnType<string, string | undefined, string>;
  auth_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface RegistryDomainsTable {
  id: Generated<number>;
  name: string;
  tld: string;
  sponsor: string;
  created_by: string;
  registrant: string | null;
  admin_c: string | null;
  tech_c: string | null;
  billing_c: string | null;
  /** Comma-separated client/server statuses; pending*, ok, inactive are derived. */
  statuses: ColumnType<string, string | undefined, string>;
  /** sha256 hex of the transfer auth code (RFC 9154: stored hashed). */
  auth_hash: string | null;
  auth_expires_at: number | null;
  /** JSON DnssecData, or null when unsigned. */
  dnssec: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  transferred_at: number | null;
  /** redemptionPeriod | pendingDelete while deleted but not yet purged. */
  rgp_status: string | null;
  rgp_ends_at: number | null;
}

export interface RegistryHostsTable {
  id: Generated<number>;
  name: string;
  sponsor: string;
  /** The superordinate domain of an internal host; null for external hosts. */
  domain_id: number | null;
  ipv4: ColumnType<string, string | undefined, string>;
  ipv6: ColumnType<string, string | undefined, string>;
  statuses: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
}

export interface RegistryDomainNsTable {
  domain_id: number;
  position: number;
  host_id: number;
}

/** An RFC 3915 grace period running on a domain, with the months it would credit. */
export interface RegistryGraceTable {
  id: Generated<number>;
  domain_id: number;
  kind: 'addPeriod' | 'renewPeriod' | 'autoRenewPeriod' | 'transferPeriod';
  registrar: string;
  months: number;
  ends_at: number;
}

export interface RegistryTransfersTable {
  id: Generated<number>;
  domain_id: number;
  gaining: string;
  losing: string;
  status: 'pending' | 'clientApproved' | 'clientRejected' | 'clientCancelled' | 'serverApproved' | 'serverCancelled';
  period_months: number;
  requested_at: number;
  act_by: number;
  completed_at: number | null;
}

/** A registrar's poll queue (RFC 5730 poll). */
export interface RegistryMessagesTable {
  id: Generated<number>;
  registrar: string;
  kind: string;
  object: string;
  text: string;
  created_at: number;
  acked_at: number | null;
}

/**
 * The state of a transfer-in as domain-transfer-control shows it: the seeds' names, in their
 * "natural" order, plus dmapid's two endings for a transfer that did not complete.
 */
export type TransferState =
  | 'IN_DB'
  | 'PAYMENT_PREPARED'
  | 'PAYMENT_ACQUIRED'
  | 'PENDING_FOA_SENDING'
  | 'FOA_BEEN_SENT'
  | 'FOA_NACK'
  | 'FOA_ACK'
  | 'REGISTRY_REQUEST_SENT'
  | 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING'
  | 'REGISTRY_CANCELATION_PENDING'
  | 'DOMAIN_WITH_JOKER_PENDING_COMPLETE'
  | 'PAYMENT_COMMITTED'
  | 'TRANSFER_PROCESSED_SUCCESSFULLY'
  | 'TRANSFER_CANCELLED'
  | 'TRANSFER_FAILED';
export type TransferOutcome = 'open' | 'done' | 'failed' | 'cancelled';

/** A domain-transfer-in-reseller request and where it stands (migration 0008; src/services/transfers.ts). */
export interface TransfersInTable {
  /** The transfer-id of domain-transfer-control show. */
  id: Generated<number>;
  account_id: number;
  /** The request's Proc-ID; its result stays `?` until the transfer ends. */
  result_id: number;
  domain: string;
  tld: string;
  state: TransferState;
  outcome: TransferOutcome;
  /** Why it failed or was cancelled. */
  reason: string | null;
  /** The transfer auth code, kept only until the registry request is sent. */
  auth_code: string | null;
  owner_c: string;
  admin_c: string | null;
  tech_c: string | null;
  billing_c: string | null;
  /** JSON array of host names; null keeps the delegation the domain has. */
  ns_list: string | null;
  /** status=lock: lock the domain once it arrived. */
  lock_after: number;
  autorenew: number;
  privacy: PrivacyLevel;
  /** Months the registry adds (the TLD's transfer period; 0 for DENIC-style TLDs). */
  period_months: number;
  transfer_order_id: number;
  privacy_order_id: number | null;
  /** The sponsor when the request was checked. */
  losing_registrar: string | null;
  /** sha256 of the FOA answer-page key (mailed to owner and admin); the key derives from foa_nonce. */
  foa_key: string | null;
  /** Null for keys stored before 0013 (then resend-foa issues a new key). */
  foa_nonce: ColumnType<string | null, string | null | undefined, string | null>;
  foa_owner_email: string | null;
  foa_admin_email: string | null;
  foa_sent_at: number | null;
  foa_deadline_at: number | null;
  foa_answered_at: number | null;
  registry_requested_at: number | null;
  /** When the registry approves on its own (the 5-day window). */
  registry_act_by: number | null;
  /** A transfer from another reseller of this platform (0010): the account the domain was found in. */
  losing_account_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

/** Every state a transfer-in passed through, with the time (and what moved it). */
export interface TransferEventsTable {
  id: Generated<number>;
  transfer_id: number;
  state: TransferState;
  at: number;
  note: ColumnType<string, string | undefined, string>;
}

export type TransferOutState = 'pending' | 'approving' | 'rejecting' | 'transferred' | 'rejected' | 'cancelled';

/** A foreign registrar asking for one of the platform's domains (src/services/transfer-out.ts). */
export interface TransfersOutTable {
  id: Generated<number>;
  account_id: number;
  /** A `domain-transfer-out` result in the reseller's result-list; null when none was opened. */
  result_id: number | null;
  domain: string;
  /** The gaining registrar's id at the registry. */
  gaining: string;
  state: TransferOutState;
  reason: string | null;
  /** sha256 of the key of the reseller's approve/reject answer page. */
  answer_key: string;
  requested_at: number;
  /** When the registry lets the domain go unless it is rejected. */
  act_by: number;
  answered_at: number | null;
  completed_at: number | null;
  /** Another reseller of this platform asks for the domain (0010): its transfer-in. */
  transfer_in_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export type OwnerChangeState = 'pending' | 'confirmed' | 'applied' | 'rejected' | 'expired' | 'failed';

/** domain-owner-change: the new registrant's data waiting for the current registrant's confirmation (src/services/owner-change.ts). */
export interface OwnerChangesTable {
  id: Generated<number>;
  account_id: number;
  domain_id: number;
  domain: string;
  result_id: number;
  state: OwnerChangeState;
  /** sha256 of the key of cor-verify and the confirmation page; null when no confirmation is needed. */
  confirm_key: string | null;
  /** Where the confirmation went: the current registrant's e-mail. */
  recipient: string | null;
  old_owner: string | null;
  /** The handle made for the new registrant, once applied. */
  new_owner: string | null;
  /** JSON ContactFields of the new registrant. */
  fields: string;
  /** 1: name, organisation or e-mail change (IRTP-C material change: confirmation and lock). */
  material: number;
  lock_opt_out: number;
  reason: string | null;
  created_at: number;
  deadline_at: number;
  answered_at: number | null;
  applied_at: number | null;
  /** The IRTP-C inter-registrar transfer lock this change leaves (null: none, opted out). */
  lock_until: number | null;
}

/** How a simulated foreign registrar answers a transfer away from it; registrars without a row stay silent. */
export interface SimTransferPoliciesTable {
  registrar: string;
  answer: 'approve' | 'reject' | 'silent';
  /** How long after the request it answers. */
  delay_ms: number;
  updated_at: number;
}

/** A modifying request's idempotency key and the reply it got (migration 0025; src/services/idempotency.ts). */
export interface IdempotencyKeysTable {
  account_id: number;
  key: string;
  request: string;
  /** sha256 over the request name and its parameters (credentials and the key left out). */
  fingerprint: string;
  /** JSON of the reply: headers, body, Proc-ID, balance. */
  reply: string;
  created_at: number;
}

/** Requests counted against a budget in one window (migration 0027; src/services/access-policy.ts). */
export interface RequestBudgetsTable {
  /** `account:<id>:minute`, `key:<id>:checks-day` … */
  scope: string;
  window_start: number;
  used: number;
}
