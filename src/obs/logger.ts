import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON logger for every part of the process; secrets never reach it. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['password', 'api-key', 'auth-sid', '*.password', '*.api-key', '*.auth-sid', '*.transfer-auth-id'],
  });
}
