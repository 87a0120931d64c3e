import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const onOff = z.enum(['on', 'off', '1', '0', 'true', 'false']).transform((v) => v === 'on' || v === '1' || v === 'true');

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
