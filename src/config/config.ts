import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { compileAcl, parseHostPorts, parseKeyedEntry } from '../dns/server/acl.ts';
import { parseTsigKeys, type TsigKey } from '../dns/wire/tsig.ts';

const port = z.coerce.number().int().min(0).max(65535);
/** Seconds in the environment (fractions allowed: tests use tenths), milliseconds in the config. */
const seconds = (max: number) => z.coerce.number().positive().max(max).transform((s) => Math.round(s * 1000));
const connectionCap = z.coerce.number().int().min(1).max(1_000_000);
/** 0 turns the per-address cap off (behind a reverse proxy every connection has its address). */
const perAddressCap = z.coerce.number().int().min(0).max(1_000_000);
const onOff = z.enum(['on', 'off', '1', '0', 'true', 'false']).transform((v) => v === 'on' || v === '1' || v === 'true');

/** Comma-separated (env) or listed (overrides) entries, each checked by `check`, which throws with the reason. */
const checkedList = (check: (entry: string) => void) =>
  z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
    const list = (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean);
    for (const entry of list) {
      try {
        check(entry);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }
    return list;
  });
const ipList = checkedList((e) => compileAcl([e.replace(/\/.*$/, '')]));
const aclList = checkedList((e) => {
  const { address } = parseKeyedEntry(e);
  if (address !== undefined) compileAcl([address]);
});
const secondaries = z.union([z.string(), z.array(z.object({ host: z.string(), port: z.number(), key: z.string().optional() }))]).transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  try {
    return parseHostPorts(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** TSIG keys: `name:algorithm:base64` entries (env), or the file holding them one a line (`…_FILE`). */
const tsigKeys = (fromFile: boolean) =>
  z.union([z.string(), z.array(z.custom<TsigKey>())]).transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return parseTsigKeys(fromFile ? readFileSync(v, 'utf8') : v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** Comma-separated host names (env) or a list (overrides): lowercase, without trailing dots. */
const hostList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((h) => h.trim().replace(/\.$/, '').toLowerCase()).filter(Boolean))
  .refine((l) => l.length > 0 && l.every((h) => /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(h)), 'must be a comma-separated list of host names');
const soaTimers = z
  .union([z.string(), z.object({ ttl: z.number(), refresh: z.number(), retry: z.number(), expire: z.number(), minimum: z.number() })])
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    const n = v.trim().split(/\s+/).map(Number);
    if (n.length !== 5 || n.some((x) => !Number.isInteger(x) || x < 0 || x > 2_147_483_647)) {
      ctx.addIssue({ code: 'custom', message: 'must be five numbers of seconds: ttl refresh retry expire minimum' });
      return z.NEVER;
    }
    const [ttl, refresh, retry, expire, minimum] = n as [number, number, number, number, number];
    return { ttl, refresh, retry, expire, minimum };
  });

/** Settings from the environment (DMAPID_*); defaults are the sandbox's. */
export const configSchema = z.object({
  database: z.string().min(1).default('./data/dmapid.sqlite'),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8080),
  /** Seconds of inactivity after which a session dies (DMAPI default: 1 hour). */
  sessionTimeout: z.coerce.number().int().min(1).default(3600),
  /** Days a result's content is kept; after that only its status remains. */
  resultRetentionDays: z.coerce.number().int().min(1).default(30),
  /** Run the job worker and scheduler in this process. */
  worker: onOff.default(true),
  /** Milliseconds a job claim lasts without renewal: how soon another worker takes over a dead one's jobs. */
  jobLeaseMs: z.coerce.number().int().min(200).max(3_600_000).default(5000),
  /** Milliseconds between renewals of the claims a worker holds (its heartbeat); at most half the lease. */
  jobHeartbeatMs: z.coerce.number().int().min(50).default(1000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Sandbox powers for integrators (the console's clock page); off in production. */
  sandbox: onOff.default(true),
  /** auto: readable lines on a terminal, JSON lines otherwise. */
  logFormat: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** The Prometheus listener (GET /metrics), on loopback unless metricsHost says otherwise. */
  metrics: onOff.default(true),
  metricsHost: z.string().min(1).default('127.0.0.1'),
  metricsPort: port.default(9464),
  /** Failed logins per user (and 5× that per address) tolerated in 15 minutes. */
  loginFailureLimit: z.coerce.number().int().min(1).default(10),
  /** Answer an internal error when a request answers an error missing from its declaration (tests). */
  strictErrors: onOff.default(false),
  /** An operator's TLD catalogue file (JSON) instead of the shipped src/tld/tlds.json. */
  tldCatalogue: z.string().min(1).optional(),
  /** Run the authoritative DNS server (UDP and TCP) in this process. */
  dns: onOff.default(true),
  /** Addresses the DNS listeners bind; an IPv6 one is skipped when the host has no IPv6. */
  dnsHost: ipList.default(['127.0.0.1', '::1']),
  dnsPort: port.default(5353),
  /** Secondaries sent a NOTIFY on every zone change: `host:port,…` (`[v6]:port`; port 53 if left out). */
  dnsNotify: secondaries.default([]),
  /** Who may transfer zones (AXFR/IXFR): addresses and CIDR prefixes. */
  dnsTransferAcl: aclList.default(['127.0.0.0/8', '::1']),
  /** TSIG keys shared with secondaries (RFC 8945), named by DMAPID_DNS_TRANSFER_ACL and DMAPID_DNS_NOTIFY entries. */
  dnsTsigKeys: tsigKeys(false).default([]),
  dnsTsigKeysFile: tsigKeys(true).default([]),
  /** Algorithm of new DNSSEC keys for zones with `$dnssec=yes`: ECDSAP256SHA256 (13) or Ed25519 (15). */
  dnssecAlgorithm: z.enum(['ecdsap256sha256', 'ed25519']).default('ecdsap256sha256'),
  /** Authenticated denial: NSEC3 with RFC 9276 parameters (no salt, no extra iterations, no opt-out) or NSEC. */
  dnssecDenial: z.enum(['nsec3', 'nsec']).default('nsec3'),
  /** Seconds a signature is valid; zones are signed again when half of it is gone. */
  dnssecSignatureValidity: z.coerce.number().int().min(3 * 3600).max(90 * 86400).default(14 * 86400),
  /** Seconds a ZSK signs before the next one takes over (0: no automatic ZSK rollover). */
  dnssecZskLifetime: z.coerce.number().int().min(0).default(90 * 86400),
  /** Seconds a KSK signs before a double-signature rollover starts (0, the default: only by `dmapid dnssec roll-ksk`). */
  dnssecKskLifetime: z.coerce.number().int().min(0).default(0),
  /** Seconds each rollover and the unwinding of `$dnssec=no` wait for caches and the parent (at least the longest TTL involved). */
  dnssecRolloverWait: z.coerce.number().int().min(60).default(2 * 86400),
  /** A file with the 32-byte key (64 hex digits) sealing the DNSSEC private keys in the database; default: derived from the server secret. */
  dnssecKeyFile: z.string().min(1).optional(),
  /** Largest UDP answer, and the EDNS payload size advertised (RFC 9715: 1232 avoids fragmentation). */
  dnsUdpSize: z.coerce.number().int().min(512).max(4096).default(1232),
  /** Base URL of this server as people reach it: links in mails point at its /answer pages. */
  publicUrl: z.url().default('http://127.0.0.1:8080'),
  /** SMTP relay for outgoing mail; without one mails stay in the outbox (`dmapid mail list`). */
  smtpHost: z.string().min(1).optional(),
  /** Default: 465 with smtpTls=tls, 587 with starttls, 25 otherwise. */
  smtpPort: port.optional(),
  /** tls: implicit TLS; starttls: STARTTLS required; opportunistic: STARTTLS when offered; none: plain. */
  smtpTls: z.enum(['tls', 'starttls', 'opportunistic', 'none']).default('starttls'),
  /** Check the relay's certificate (turn off only for a relay with a self-signed certificate). */
  smtpTlsVerify: onOff.default(true),
  smtpUser: z.string().min(1).optional(),
  smtpPassword: z.string().optional(),
  /** From address of every mail; its domain also names the Message-IDs. */
  mailFrom: z.string().min(3).default('dmapid <no-reply@localhost>'),
  /** Delivery attempts before a mail counts as failed (temporary SMTP errors are retried with backoff). */
  mailMaxAttempts: z.coerce.number().int().min(1).max(50).default(10),
  /** Days an owner has to confirm the whois e-mail before the domain is suspended. */
  whoisVerificationDays: z.coerce.number().int().min(1).default(15),
  /** Days a grant invitation can be accepted. */
  grantInvitationDays: z.coerce.number().int().min(1).default(30),
  /** The platform's name servers: apex NS and SOA MNAME (the first) of every hosted zone. */
  dnsNameservers: hostList.default(['a.ns.dmapid.test', 'b.ns.dmapid.test']),
  /** SOA RNAME of hosted zones (an e-mail address or its dotted form). */
  dnsHostmaster: z.string().min(3).transform((s) => s.replace('@', '.').replace(/\.$/, '').toLowerCase()).default('hostmaster.dmapid.test'),
  /** TTL of the apex NS records of hosted zones. */
  dnsNsTtl: z.coerce.number().int().min(60).max(2_147_483_647).default(86400),
  /** SOA of hosted zones: `<ttl> <refresh> <retry> <expire> <minimum>` in seconds. */
  dnsSoa: soaTimers.default({ ttl: 3600, refresh: 10800, retry: 3600, expire: 1209600, minimum: 300 }),
  /** Run the redirect service (URL and FRAME records) in this process. */
  redirect: onOff.default(true),
  redirectHost: z.string().min(1).default('127.0.0.1'),
  redirectPort: port.default(8081),
  /** The IPv4 address URL/FRAME labels resolve to: where the redirect service is reachable. */
  redirectAddress: z.ipv4().default('127.0.0.1'),
  /** The IPv6 address URL/FRAME labels resolve to (none by default). */
  redirectAddress6: z.ipv6().optional(),
  /** The secret mailed keys derive from (at least 32 characters); see src/services/answer-keys.ts for the default. */
  secret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** A file holding that secret instead. */
  secretFile: z.string().min(1).optional(),
  /** Each HTTP listener (DMAPI, redirect): how long the request line and headers may take to arrive. */
  httpHeaderTimeoutMs: seconds(3600).default(20_000),
  /** How long a whole request (headers and body) may take to arrive: 300 s lets an 8 MiB zone come at 28 KB/s. */
  httpRequestTimeoutMs: seconds(86_400).default(300_000),
  /** How long a keep-alive connection may wait for its next request. */
  httpIdleTimeoutMs: seconds(3600).default(5_000),
  /** Connections one HTTP listener holds; at the cap the oldest one not being answered is closed for a newcomer. */
  httpMaxConnections: connectionCap.default(1024),
  /** Connections one address (IPv6: one /64) may hold on an HTTP listener; more are refused. */
  httpMaxConnectionsPerAddress: perAddressCap.default(64),
  /** DNS over TCP: how long a connection may stay without a query to answer (RFC 7766 §6.2.3). */
  dnsTcpIdleTimeoutMs: seconds(3600).default(10_000),
  /** DNS over TCP: how long one message may take to arrive once its first byte has. */
  dnsTcpMessageTimeoutMs: seconds(3600).default(5_000),
  dnsTcpMaxConnections: connectionCap.default(512),
  dnsTcpMaxConnectionsPerAddress: perAddressCap.default(16),
  /** Serve the simulated registry over EPP (RFC 5734: TLS, length-framed XML) in this process. */
  epp: onOff.default(false),
  eppHost: z.string().min(1).default('127.0.0.1'),
  eppPort: port.default(7700),
  /** PEM certificate chain and key of the EPP listener; without them a self-signed pair is made in ./data/ on first start. */
  eppCert: z.string().min(1).optional(),
  eppKey: z.string().min(1).optional(),
  /** EPP: how long a session may stay without a command before the server closes it. */
  eppIdleTimeoutMs: seconds(86_400).default(600_000),
  eppMaxConnections: connectionCap.default(256),
  eppMaxConnectionsPerAddress: perAddressCap.default(16),
  /** Which registry backend serves the registrar flows: the simulated one in this database, or real registries over EPP. */
  registry: z.enum(['simulated', 'epp']).default('simulated'),
  /** The registries file (JSON) the EPP backend reads: registries, their TLDs, where and how to log in. */
  registriesFile: z.string().min(1).optional(),
  /** Run the port-43 WHOIS service in this process (RDAP needs no switch: it is part of the DMAPI listener). */
  whois: onOff.default(true),
  whoisHost: z.string().min(1).default('127.0.0.1'),
  /** 4343 in the sandbox (Joker's availability service uses it too); 43 in production. */
  whoisPort: port.default(4343),
  /** WHOIS: how long a client may take to send its one query line (and, then, to take the answer). */
  whoisQueryTimeoutMs: seconds(3600).default(10_000),
  whoisMaxConnections: connectionCap.default(256),
  whoisMaxConnectionsPerAddress: perAddressCap.default(4),
  /** RDAP and WHOIS: queries one address (IPv6: one /64) may send a minute to each; 0 turns the limit off. */
  directoryRateLimit: z.coerce.number().int().min(0).max(1_000_000).default(60),
  /** RDAP searches: the most objects one answer lists (a notice says when more matched). */
  rdapSearchLimit: z.coerce.number().int().min(1).max(1000).default(50),
  /** The registrar RDAP and WHOIS name: its name, IANA id, website, abuse contact and WHOIS server name. */
  registrarName: z.string().min(1).default('dmapid sandbox registrar'),
  /** 9999: not any accredited registrar's number (a sandbox must not pass for a real registrar). */
  registrarIanaId: z.coerce.number().int().min(1).max(2_147_483_647).default(9999),
  /** The registrar's website; DMAPID_PUBLIC_URL when unset. */
  registrarUrl: z.url().optional(),
  registrarAbuseEmail: z.string().min(3).default('abuse@dmapid.test'),
  /** E.164 in the EPP form: +CC.NUMBER. */
  registrarAbusePhone: z.string().regex(/^\+\d{1,3}\.\d{1,14}$/, 'must be a phone number like +1.5555550100').default('+1.5555550100'),
  registrarWhoisServer: z.string().min(1).default('whois.dmapid.test'),
  /** Where the terms of use of RDAP and WHOIS are; <public URL>/rdap/help when unset. */
  rdapTermsUrl: z.url().optional(),
  /** The mail exchanger MAILFW records point the zone's MX at. */
  mailForwardHost: z.string().min(1).transform((s) => s.replace(/\.$/, '').toLowerCase()).default('mx.dmapid.test'),
}).superRefine((c, ctx) => {
  if (c.registry === 'epp' && !c.registriesFile) ctx.addIssue({ code: 'custom', path: ['registriesFile'], message: 'DMAPID_REGISTRY=epp needs DMAPID_REGISTRIES_FILE' });
  const known = new Set([...c.dnsTsigKeys, ...c.dnsTsigKeysFile].map((k) => k.name));
  if (known.size < c.dnsTsigKeys.length + c.dnsTsigKeysFile.length) ctx.addIssue({ code: 'custom', path: ['dnsTsigKeysFile'], message: 'a TSIG key is defined both in the variable and in the file' });
  for (const key of c.dnsNotify.map((t) => t.key)) {
    if (key !== undefined && !known.has(key)) ctx.addIssue({ code: 'custom', path: ['dnsNotify'], message: `names the TSIG key ${key}, which DMAPID_DNS_TSIG_KEYS does not define` });
  }
  for (const { key } of c.dnsTransferAcl.map(parseKeyedEntry)) {
    if (key !== undefined && !known.has(key)) ctx.addIssue({ code: 'custom', path: ['dnsTransferAcl'], message: `names the TSIG key ${key}, which DMAPID_DNS_TSIG_KEYS does not define` });
  }
  // One late renewal must not cost the lease: a beat at most every half lease leaves room for one miss.
  if (c.jobHeartbeatMs * 2 > c.jobLeaseMs) ctx.addIssue({ code: 'custom', path: ['jobHeartbeatMs'], message: `must be at most half of the job lease (${c.jobLeaseMs} ms)` });
});

export type Config = z.output<typeof configSchema>;

/** Every TSIG key of the configuration, by name. */
export const tsigKeyring = (c: Pick<Config, 'dnsTsigKeys' | 'dnsTsigKeysFile'>): Map<string, TsigKey> => new Map([...c.dnsTsigKeys, ...c.dnsTsigKeysFile].map((k) => [k.name, k]));

const envNames: Record<keyof Config, string> = {
  database: 'DMAPID_DATABASE',
  host: 'DMAPID_HOST',
  port: 'DMAPID_PORT',
  sessionTimeout: 'DMAPID_SESSION_TIMEOUT',
  resultRetentionDays: 'DMAPID_RESULT_RETENTION_DAYS',
  worker: 'DMAPID_WORKER',
  jobLeaseMs: 'DMAPID_JOB_LEASE_MS',
  jobHeartbeatMs: 'DMAPID_JOB_HEARTBEAT_MS',
  logLevel: 'DMAPID_LOG_LEVEL',
  logFormat: 'DMAPID_LOG_FORMAT',
  sandbox: 'DMAPID_SANDBOX',
  metrics: 'DMAPID_METRICS',
  metricsHost: 'DMAPID_METRICS_HOST',
  metricsPort: 'DMAPID_METRICS_PORT',
  loginFailureLimit: 'DMAPID_LOGIN_FAILURE_LIMIT',
  strictErrors: 'DMAPID_STRICT_ERRORS',
  tldCatalogue: 'DMAPID_TLD_CATALOGUE',
  dns: 'DMAPID_DNS',
  dnsHost: 'DMAPID_DNS_HOST',
  dnsPort: 'DMAPID_DNS_PORT',
  dnsNotify: 'DMAPID_DNS_NOTIFY',
  dnsTransferAcl: 'DMAPID_DNS_TRANSFER_ACL',
  dnsTsigKeys: 'DMAPID_DNS_TSIG_KEYS',
  dnsTsigKeysFile: 'DMAPID_DNS_TSIG_KEYS_FILE',
  dnsUdpSize: 'DMAPID_DNS_UDP_SIZE',
  dnssecAlgorithm: 'DMAPID_DNSSEC_ALGORITHM',
  dnssecDenial: 'DMAPID_DNSSEC_DENIAL',
  dnssecSignatureValidity: 'DMAPID_DNSSEC_SIGNATURE_VALIDITY',
  dnssecZskLifetime: 'DMAPID_DNSSEC_ZSK_LIFETIME',
  dnssecKskLifetime: 'DMAPID_DNSSEC_KSK_LIFETIME',
  dnssecRolloverWait: 'DMAPID_DNSSEC_ROLLOVER_WAIT',
  dnssecKeyFile: 'DMAPID_DNSSEC_KEY_FILE',
  publicUrl: 'DMAPID_PUBLIC_URL',
  smtpHost: 'DMAPID_SMTP_HOST',
  smtpPort: 'DMAPID_SMTP_PORT',
  smtpTls: 'DMAPID_SMTP_TLS',
  smtpTlsVerify: 'DMAPID_SMTP_TLS_VERIFY',
  smtpUser: 'DMAPID_SMTP_USER',
  smtpPassword: 'DMAPID_SMTP_PASSWORD',
  mailFrom: 'DMAPID_MAIL_FROM',
  mailMaxAttempts: 'DMAPID_MAIL_MAX_ATTEMPTS',
  whoisVerificationDays: 'DMAPID_WHOIS_VERIFICATION_DAYS',
  grantInvitationDays: 'DMAPID_GRANT_INVITATION_DAYS',
  dnsNameservers: 'DMAPID_DNS_NAMESERVERS',
  dnsHostmaster: 'DMAPID_DNS_HOSTMASTER',
  dnsNsTtl: 'DMAPID_DNS_NS_TTL',
  dnsSoa: 'DMAPID_DNS_SOA',
  redirect: 'DMAPID_REDIRECT',
  redirectHost: 'DMAPID_REDIRECT_HOST',
  redirectPort: 'DMAPID_REDIRECT_PORT',
  redirectAddress: 'DMAPID_REDIRECT_ADDRESS',
  redirectAddress6: 'DMAPID_REDIRECT_ADDRESS6',
  mailForwardHost: 'DMAPID_MAILFW_HOST',
  registry: 'DMAPID_REGISTRY',
  registriesFile: 'DMAPID_REGISTRIES_FILE',
  epp: 'DMAPID_EPP',
  eppHost: 'DMAPID_EPP_HOST',
  eppPort: 'DMAPID_EPP_PORT',
  eppCert: 'DMAPID_EPP_CERT',
  eppKey: 'DMAPID_EPP_KEY',
  eppIdleTimeoutMs: 'DMAPID_EPP_IDLE_TIMEOUT',
  eppMaxConnections: 'DMAPID_EPP_MAX_CONNECTIONS',
  eppMaxConnectionsPerAddress: 'DMAPID_EPP_MAX_CONNECTIONS_PER_ADDRESS',
  secret: 'DMAPID_SECRET',
  secretFile: 'DMAPID_SECRET_FILE',
  httpHeaderTimeoutMs: 'DMAPID_HTTP_HEADER_TIMEOUT',
  httpRequestTimeoutMs: 'DMAPID_HTTP_REQUEST_TIMEOUT',
  httpIdleTimeoutMs: 'DMAPID_HTTP_IDLE_TIMEOUT',
  httpMaxConnections: 'DMAPID_HTTP_MAX_CONNECTIONS',
  httpMaxConnectionsPerAddress: 'DMAPID_HTTP_MAX_CONNECTIONS_PER_ADDRESS',
  dnsTcpIdleTimeoutMs: 'DMAPID_DNS_TCP_IDLE_TIMEOUT',
  dnsTcpMessageTimeoutMs: 'DMAPID_DNS_TCP_MESSAGE_TIMEOUT',
  dnsTcpMaxConnections: 'DMAPID_DNS_TCP_MAX_CONNECTIONS',
  dnsTcpMaxConnectionsPerAddress: 'DMAPID_DNS_TCP_MAX_CONNECTIONS_PER_ADDRESS',
  whois: 'DMAPID_WHOIS',
  whoisHost: 'DMAPID_WHOIS_HOST',
  whoisPort: 'DMAPID_WHOIS_PORT',
  whoisQueryTimeoutMs: 'DMAPID_WHOIS_QUERY_TIMEOUT',
  whoisMaxConnections: 'DMAPID_WHOIS_MAX_CONNECTIONS',
  whoisMaxConnectionsPerAddress: 'DMAPID_WHOIS_MAX_CONNECTIONS_PER_ADDRESS',
  directoryRateLimit: 'DMAPID_DIRECTORY_RATE_LIMIT',
  rdapSearchLimit: 'DMAPID_RDAP_SEARCH_LIMIT',
  registrarName: 'DMAPID_REGISTRAR_NAME',
  registrarIanaId: 'DMAPID_REGISTRAR_IANA_ID',
  registrarUrl: 'DMAPID_REGISTRAR_URL',
  registrarAbuseEmail: 'DMAPID_REGISTRAR_ABUSE_EMAIL',
  registrarAbusePhone: 'DMAPID_REGISTRAR_ABUSE_PHONE',
  registrarWhoisServer: 'DMAPID_REGISTRAR_WHOIS_SERVER',
  rdapTermsUrl: 'DMAPID_RDAP_TERMS_URL',
};

/** Reads the configuration; `overrides` win over the environment. Throws with every bad variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const input: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) if (env[name] !== undefined && env[name] !== '') input[key] = env[name];
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${envNames[i.path[0] as keyof Config] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return { ...parsed.data, ...overrides };
}

export const configEnvNames = envNames;
