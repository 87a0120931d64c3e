import { readFileSync } from 'node:fs';

/** File descriptors the process needs besides its connections: database, listeners, logs, mail. */
export const FILES_BESIDES_CONNECTIONS = 64;

/** The soft limit on open files (Linux /proc/self/limits), or undefined where it cannot be read or is unlimited. */
export function openFileLimit(limits = '/proc/self/limits'): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync(limits, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A warning when the connection caps of the listeners could use more descriptors than the
 * process may open: then the caps no longer protect anything, since accept() fails first.
 */
export function fileLimitWarning(caps: ReadonlyArray<readonly [listener: string, connections: number]>, limit = openFileLimit()): string | undefined {
  if (limit === undefined) return undefined;
  const total = caps.reduce((sum, [, n]) => sum + n, 0);
  if (total + FILES_BESIDES_CONNECTIONS <= limit) return undefined;
  const list = caps.map(([name, n]) => `${name} ${n}`).join(' + ');
  return `the connection caps (${list}) and about ${FILES_BESIDES_CONNECTIONS} other files exceed the open-file limit of ${limit}; lower DMAPID_HTTP_MAX_CONNECTIONS / DMAPID_DNS_TCP_MAX_CONNECTIONS or raise the limit (ulimit -n, LimitNOFILE)`;
}
