import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The hand-written database shape. Cross-dialect rules (stack.md §1.2): instants are epoch
 * milliseconds in bigint columns, booleans are 0/1 integers, money is integer minor units,
 * JSON is text, names are lowercase A-labels.
 */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  results: ResultsTable;
  jobs: JobsTable;
  settings: SettingsTable;
  domains: DomainsTable;
}

export type Scope = 'full' | 'read-only' | 'modify-only';

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
  created_at: number;
  last_login_at: number | null;
  last_login_ip: string | null;
  last_error: string | null;
  last_error_ip: string | null;
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
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type ResultRow = Selectable<ResultsTable>;
export type JobRow = Selectable<JobsTable>;
