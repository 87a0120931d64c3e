import { z } from 'zod';
import { compileAcl, parseHostPorts } from '../dns/server/acl.ts';

const port = z.coerce.number().int().min(0).max(65535);
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
const aclList = checkedList((e) => compileAcl([e]));
const secondaries = z.union([z.string(), z.array(z.object({ host: z.string(), port: z.number() }))]).transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  try {
    return parseHostPorts(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
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
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Failed logins per user (and 5× that per address) tolerated in 15 minutes. */
  loginFailureLimit: z.coerce.number().int().min(1).default(10),
  /** Answer an internal error when a request answers an error missing from its declaration (tests). */
  strictErrors: onOff.default(false),
  /** Run the authoritative DNS server (UDP and TCP) in this process. */
  dns: onOff.default(true),
  /** Addresses the DNS listeners bind; an IPv6 one is skipped when the host has no IPv6. */
  dnsHost: ipList.default(['127.0.0.1', '::1']),
  dnsPort: port.default(5353),
  /** Secondaries sent a NOTIFY on every zone change: `host:port,…` (`[v6]:port`; port 53 if left out). */
  dnsNotify: secondaries.default([]),
  /** Who may transfer zones (AXFR/IXFR): addresses and CIDR prefixes. */
  dnsTransferAcl: aclList.default(['127.0.0.0/8', '::1']),
  /** Largest UDP answer, and the EDNS payload size advertised (RFC 9715: 1232 avoids fragmentation). */
  dnsUdpSize: z.coerce.number().int().min(512).max(4096).default(1232),
});

export type Config = z.output<typeof configSchema>;

const envNames: Record<keyof Config, string> = {
  database: 'DMAPID_DATABASE',
  host: 'DMAPID_HOST',
  port: 'DMAPID_PORT',
  sessionTimeout: 'DMAPID_SESSION_TIMEOUT',
  resultRetentionDays: 'DMAPID_RESULT_RETENTION_DAYS',
  worker: 'DMAPID_WORKER',
  logLevel: 'DMAPID_LOG_LEVEL',
  loginFailureLimit: 'DMAPID_LOGIN_FAILURE_LIMIT',
  strictErrors: 'DMAPID_STRICT_ERRORS',
  dns: 'DMAPID_DNS',
  dnsHost: 'DMAPID_DNS_HOST',
  dnsPort: 'DMAPID_DNS_PORT',
  dnsNotify: 'DMAPID_DNS_NOTIFY',
  dnsTransferAcl: 'DMAPID_DNS_TRANSFER_ACL',
  dnsUdpSize: 'DMAPID_DNS_UDP_SIZE',
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
