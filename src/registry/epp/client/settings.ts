import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The registries file (DMAPID_REGISTRIES_FILE): which EPP registry serves which TLDs, and how to
 * reach it. Secrets never sit in the file itself: a password comes from an environment variable
 * or a file, the client key from a file, and neither is ever logged or printed.
 */

const tldName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'a TLD in lowercase A-label form, without dots at the ends');

const registryEntry = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(700),
    /** Our registrar id (clID) at this registry. */
    login: z.string().min(3).max(16),
    passwordEnv: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    /** PEM client certificate and key most registries require (RFC 5734 §9). */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** PEM CA bundle to verify the registry's certificate with (default: the system's). */
    caFile: z.string().min(1).optional(),
    /** The name the registry's certificate is checked against (default: host). */
    serverName: z.string().min(1).optional(),
    /** Skip verifying the registry's certificate: only for a local sandbox, never for a real registry. */
    insecure: z.boolean().default(false),
    tlds: z.array(tldName).min(1),
    /** Prepended to dmapid's handles for the registry's contact ids (some registries demand their own prefix). */
    contactPrefix: z.string().regex(/^[A-Za-z0-9-]*$/).max(8).default(''),
    /** Sessions kept at once; registries cap them per registrar (2502 beyond). */
    sessions: z.number().int().min(1).max(64).default(2),
    commandsPerSecond: z.number().positive().max(10_000).default(10),
    /** How long one command may wait for its answer. */
    timeoutSeconds: z.number().positive().max(600).default(30),
    /** A session idle this long sends a hello, so the registry does not drop it. */
    helloSeconds: z.number().positive().max(86_400).default(300),
    /** Consecutive failures that open the circuit. */
    failuresToOpen: z.number().int().min(1).max(100).default(5),
    /** Extensions not to use even when the greeting offers them (a registry whose fee dialect differs). */
    disableExtensions: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!!r.passwordEnv === !!r.passwordFile) ctx.addIssue({ code: 'custom', message: 'give exactly one of passwordEnv and passwordFile' });
    if (!!r.certFile !== !!r.keyFile) ctx.addIssue({ code: 'custom', message: 'certFile and keyFile go together' });
  });

const registriesFile = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'registry names are lowercase words'), registryEntry).refine((m) => Object.keys(m).length > 0, 'name at least one registry');

export type RegistryEntry = z.output<typeof registryEntry>;

/** One registry, ready to connect: the file's entry with its secrets read. */
export interface RegistryTarget extends Omit<RegistryEntry, 'passwordEnv' | 'passwordFile' | 'certFile' | 'keyFile' | 'caFile'> {
  name: string;
  password: string;
  cert: string | undefined;
  key: string | undefined;
  ca: string | undefined;
}

const readSecret = (path: string) => readFileSync(path, 'utf8').replace(/\r?\n$/, '');

/** Reads and checks the registries file; every problem is named (secrets are named, never shown). */
export function loadRegistries(path: string, env: NodeJS.ProcessEnv = process.env): RegistryTarget[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`registries file ${path}: ${(e as Error).message}`);
  }
  const parsed = registriesFile.safeParse(json);
  if (!parsed.success) throw new Error(`registries file ${path}:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  const seen = new Map<string, string>();
  return Object.entries(parsed.data).map(([name, e]) => {
    for (const tld of e.tlds) {
      const other = seen.get(tld);
      if (other) throw new Error(`registries file ${path}: .${tld} is served by both ${other} and ${name}`);
      seen.set(tld, name);
    }
    const password = e.passwordEnv ? env[e.passwordEnv] : readSecret(e.passwordFile!);
    if (!password) throw new Error(`registry ${name}: the environment variable ${e.passwordEnv} is not set`);
    const { passwordEnv: _e, passwordFile: _f, certFile, keyFile, caFile, ...rest } = e;
    return { ...rest, name, password, cert: certFile ? readFileSync(certFile, 'utf8') : undefined, key: keyFile ? readFileSync(keyFile, 'utf8') : undefined, ca: caFile ? readFileSync(caFile, 'utf8') : undefined };
  });
}

/** The registry serving a name: the longest TLD of the file that the name ends with. */
export function registryOfName<T extends { tlds: string[] }>(targets: readonly T[], name: string): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  const n = name.toLowerCase();
  for (const t of targets) {
    for (const tld of t.tlds) if ((n === tld || n.endsWith(`.${tld}`)) && tld.length > bestLength) [best, bestLength] = [t, tld.length];
  }
  return best;
}
