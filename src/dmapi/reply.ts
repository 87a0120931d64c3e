/**
 * A DMAPI reply on the wire: `Name: value` header lines (LF only, one space after the colon,
 * names spelled exactly as recorded), one empty line, then the body (dmapi-wire §1.3).
 */
export type HeaderList = Array<readonly [string, string]>;

export interface Reply {
  headers: HeaderList;
  body: string;
}

export function formatReply(reply: Reply): string {
  let out = '';
  for (const [name, value] of reply.headers) out += `${name}: ${oneLine(value)}\n`;
  return `${out}\n${reply.body}`;
}

/**
 * Header values are single lines; anything else would break every client's parser. Other control
 * characters (an echoed request name with %00, ESC) become spaces too; TAB stays.
 */
function oneLine(value: string): string {
  return value.replace(/[\x00-\x08\x0a-\x1f\x7f]+/g, ' ').trim();
}

/**
 * One field of a space-separated body line (result-list, grants-list): `-` when empty, and
 * whitespace inside a value becomes `_`, so a line always has its number of fields.
 */
export const spaceField = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : String(v).replace(/\s+/g, '_'));

export interface ParsedReply {
  headers: HeaderList;
  body: string;
  /** First value of a header, by exact name. */
  get(name: string): string | undefined;
  /** Every value of a (repeatable) header. */
  all(name: string): string[];
}

/** Parses a reply the way the stricter clients do: split at the first blank line, then `Name: value`. */
export function parseReply(text: string): ParsedReply {
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 2);
  const headers: HeaderList = [];
  for (const line of head.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon < 0) throw new SyntaxError(`header line without ": ": ${JSON.stringify(line)}`);
    headers.push([line.slice(0, colon), line.slice(colon + 2)]);
  }
  return {
    headers,
    body,
    get: (name) => headers.find(([n]) => n === name)?.[1],
    all: (name) => headers.filter(([n]) => n === name).map(([, v]) => v),
  };
}

/** Parses `key: value` body lines (query-profile, query-whois, result-retrieve). */
export function parseKeyValues(body: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of body.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) out.push([line.slice(0, colon), line.slice(colon + 2)]);
  }
  return out;
}
