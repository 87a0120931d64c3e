import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths pino masks wherever they appear: credentials a request or job may carry. */
const secrets = ['password', 'api-key', 'auth-sid', '*.password', '*.api-key', '*.auth-sid', '*.transfer-auth-id'];

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, shown in the line's head rather than as key=value. */
const headFields = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'listener']);

/** One JSON log line as a person reads it: `12:00:00.123 INFO  [dmapi] request request=login code=0 …`. */
export function readableLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const level = (levelNames[Number(o.level)] ?? String(o.level)).padEnd(5);
  const where = typeof o.listener === 'string' ? ` [${o.listener}]` : '';
  const rest = Object.entries(o)
    .filter(([k, v]) => !headFields.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [`${time} ${level}${where} ${String(o.msg ?? '')}`, ...rest].join(' ') + '\n';
}

/** Writes each JSON line readably to `out` (a terminal). */
function readable(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void out.write(readableLine(line.trimEnd())) };
}

/**
 * One logger for every part of the process; secrets never reach it. JSON lines for log
 * collectors, readable lines when standard output is a terminal (or `format` says so).
 */
export function createLogger(level: string, format: 'auto' | 'json' | 'pretty' = 'auto'): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  const options = { level, redact: secrets };
  return pretty ? pino(options, readable(process.stdout)) : pino(options);
}
