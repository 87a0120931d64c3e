import type { Config } from '../config/config.ts';

/** The answer page for `kind` and `key` (src/web): what every link in a mail points at. */
/**
 * A delivered mail's text with its keys (answer-page links, `… key:` lines) blanked out: the outbox
 * keeps what was sent for the record, not credentials. Held mails keep theirs, to be read.
 */
export function redactKeys(body: string): string {
  return body.replace(/(\/answer\/[a-z-]+\/)[A-Za-z0-9_-]+/g, '$1[sent]').replace(/^((?:Invitation|Verification|Authorization) key: ).+$/gm, '$1[sent]');
}

export function answerUrl(config: Pick<Config, 'publicUrl'>, kind: string, key: string): string {
  return `${config.publicUrl.replace(/\/+$/, '')}/answer/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`;
}
