import type { Config } from '../config/config.ts';

/** The answer page for `kind` and `key` (src/web): what every link in a mail points at. */
export function answerUrl(config: Pick<Config, 'publicUrl'>, kind: string, key: string): string {
  return `${config.publicUrl.replace(/\/+$/, '')}/answer/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`;
}
