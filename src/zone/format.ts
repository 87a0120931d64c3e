import ipaddr from 'ipaddr.js';
import {
  recordTypes,
  redirectStatuses,
  type DynDnsSetting,
  type RedirectStatus,
  type ZoneData,
  type ZoneRecord,
  type ZoneRecordType,
} from './records.ts';

/**
 * The DMAPI zone text format (seeds "Modify Zonedata", dmapi-wire §5):
 *
 *   <label> <type> <pri> <target> <ttl> [<valid-from> <valid-to> [<parameters>…]]
 *
 * plus the `$dnssec=` and `$dyndns=` directives, `#` comments and empty lines. Fields are
 * separated by any run of spaces or tabs; a field in double quotes may contain spaces, with `\"`
 * and `\\` as escapes (any other backslash is kept as it is). A zone with errors is rejected
 * whole: the parser reports one message per bad line, never throws.
 */

export interface ParseOptions {
  /** The zone's name: a lowercase A-label without the trailing dot. */
  origin: string;
  /** The platform's name servers: apex NS lines naming them are defaults and are dropped. */
  platformNameservers: readonly string[];
  /** Refuse zones with more records than this. */
  maxRecords?: number;
}

export interface ZoneError {
  line: number;
  message: string;
}

export interface ParsedZone {
  /** Absent when the text has no `$dnssec` line (the stored setting then stays). */
  dnssec?: boolean;
  /** Absent when the text has no `$dyndns` line. */
  dyndns?: DynDnsSetting;
  records: ZoneRecord[];
  /** The source line number of each record. */
  lines: number[];
}

export type ParseResult = { ok: true; zone: ParsedZone } | { ok: false; errors: ZoneError[] };

export const DEFAULT_MAX_RECORDS = 10_000;
export const MAX_LINE_LENGTH = 8192;
export const MAX_TTL = 2_147_483_647;
export const MIN_TTL = 60;
/** valid-from / valid-to are UNIX seconds; 9999-12-31T23:59:59Z is far enough. */
const MAX_TIMESTAMP = 253_402_300_799;
const MAX_TXT_LENGTH = 4000;

class LineError extends Error {}
const fail = (message: string): never => {
  throw new LineError(message);
};

// ---------------------------------------------------------------------------------------------
// Tokens

export interface Token {
  text: string;
  quoted: boolean;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** Splits a line into fields; quoted fields lose their quotes and escapes. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      let closed = false;
      i++;
      while (i < line.length) {
        const d = line[i]!;
        const next = line[i + 1];
        if (d === '\\' && (next === '"' || next === '\\')) {
          value += next;
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) fail('a quoted value is not closed (missing ")');
      if (i < line.length && !isBlank(line[i])) fail('a closing quote must be followed by a space or tab');
      out.push({ text: value, quoted: true });
      continue;
    }
    const start = i;
    while (i < line.length && !isBlank(line[i])) {
      if (line[i] === '"') fail(`unexpected quote inside the field ${line.slice(start, i + 1)}…`);
      i++;
    }
    out.push({ text: line.slice(start, i), quoted: false });
  }
  return out;
}

/** Quotes a value for output; backslashes are doubled only where the parser would read an escape. */
export function quote(value: string): string {
  return `"${escapeQuoted(value)}"`;
}

function escapeQuoted(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      out += next === undefined || next === '"' || next === '\\' ? '\\\\' : '\\';
    } else if (c === '"') out += '\\"';
    else out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Field checks

function plain(t: Token | undefined, what: string): string {
  if (!t) return fail(`missing ${what}`);
  if (t.quoted) return fail(`${what} must not be quoted`);
  return t.text;
}

function integer(t: Token | undefined, what: string, min: number, max: number): number {
  const s = plain(t, what);
  if (!/^\d{1,15}$/.test(s)) return fail(`${what} ${s} is not a whole number`);
  const n = Number(s);
  if (n < min || n > max) return fail(`${what} ${n} is out of range (${min}…${max})`);
  return n;
}

const labelPart = /^[A-Za-z0-9_-]{1,63}$/;

/** A record label relative to the origin; absolute names inside the zone are made relative. */
function dnsLabel(raw: string, origin: string): string {
  if (raw === '@') return raw;
  let label = raw;
  if (label.endsWith('.')) {
    const lower = label.toLowerCase();
    if (lower === `${origin}.`) return '@';
    if (!lower.endsWith(`.${origin}.`)) return fail(`label ${raw} is not inside the zone ${origin}`);
    label = label.slice(0, label.length - origin.length - 2);
  }
  const parts = label.split('.');
  parts.forEach((p, i) => {
    if (p === '*' && i === 0) return;
    if (p === '') fail(`label ${raw} has an empty part (two dots in a row, or a leading dot)`);
    if (p.includes('*')) fail(`label ${raw} has a * that is not alone in the leftmost part (only a leftmost * is a wildcard)`);
    if (p.length > 63) fail(`label ${raw} has a part ${p.slice(0, 20)}… longer than 63 characters`);
    if (!labelPart.test(p)) fail(`label ${raw} may contain only letters, digits, hyphens and underscores (use the xn-- form for IDN)`);
  });
  if (label.length + 1 + origin.length > 253) fail(`label ${raw} makes a full name longer than 253 characters`);
  return label;
}

/** A host name target: `@` (the zone itself), a name with or without trailing dot, or `.` where allowed. */
function hostTarget(raw: string, what: string, allowRoot: boolean): string {
  if (raw === '@') return raw;
  if (raw === '.') return allowRoot ? raw : fail(`${what} . (the root) is not allowed here`);
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name.length > 253) return fail(`${what} ${raw.slice(0, 40)}… is longer than 253 characters`);
  for (const p of name.split('.')) {
    if (!labelPart.test(p)) return fail(`${what} ${raw} is not a host name`);
  }
  return raw;
}

function ipv4(raw: string, what: string): string {
  if (!ipaddr.IPv4.isValidFourPartDecimal(raw)) fail(`${what} ${raw} is not an IPv4 address`);
  return raw;
}

function ipv6(raw: string, what: string): string {
  if (raw.includes('%') || !/^[0-9A-Fa-f:.]+$/.test(raw) || !ipaddr.IPv6.isValid(raw)) fail(`${what} ${raw} is not an IPv6 address`);
  return raw;
}

const urlChars = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/** An http(s) URL; a bare host (`joker.com`) means http. Only characters a URL may carry unescaped. */
export function checkUrl(raw: string): string {
  if (raw.length > 2048) fail('the URL is longer than 2048 characters');
  if (!urlChars.test(raw)) fail(`the URL ${raw.slice(0, 60)} contains characters that must be percent-encoded`);
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail(`${raw} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`the URL ${raw} must use http or https`);
  if (!url.hostname) fail(`the URL ${raw} has no host`);
  return raw;
}

/** The redirect target of a URL/FRAME record as a full URL. */
export function absoluteUrl(raw: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw) ? raw : `http://${raw}`;
}

const mailbox = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;

function emailAddress(raw: string, what: string): string {
  const at = raw.lastIndexOf('@');
  if (at <= 0 || raw.length > 254 || !mailbox.test(raw.slice(0, at))) return fail(`${what} ${raw} is not an e-mail address`);
  const domain = raw.slice(at + 1);
  if (!domain.includes('.') || domain.endsWith('.')) return fail(`${what} ${raw} is not an e-mail address`);
  for (const p of domain.split('.')) if (!/^[A-Za-z0-9-]{1,63}$/.test(p)) return fail(`${what} ${raw} is not an e-mail address`);
  return raw;
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the redirect service sets itself, or that would break the HTTP framing. */
const reservedHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'content-type', 'location', 'host', 'date', 'server', 'set-cookie']);

/** FRAME's extra HTTP headers: `Name: value` items separated by a literal `\n`. */
export function frameHeaders(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of raw.split('\\n')) {
    if (item.trim() === '') continue;
    const m = /^([^:]+):[ \t]*(.*)$/.exec(item);
    if (!m || !headerName.test(m[1]!)) return fail(`FRAME header "${item.slice(0, 40)}" is not of the form Name: value`);
    if (reservedHeaders.has(m[1]!.toLowerCase())) return fail(`FRAME header ${m[1]} is set by the redirect service and cannot be given`);
    if (!/^[\x20-\x7e]*$/.test(m[2]!)) return fail(`FRAME header ${m[1]} has characters outside printable ASCII`);
    out.push([m[1]!, m[2]!.trim()]);
  }
  if (out.length > 20) fail('FRAME may set at most 20 headers');
  return out;
}

const noControl = (s: string, what: string) => {
  if (/[\x00-\x1f\x7f]/.test(s)) fail(`${what} contains a control character`);
  return s;
};

// ---------------------------------------------------------------------------------------------
// Lines

type LineResult = { kind: 'record'; record: ZoneRecord } | { kind: 'default' } | { kind: 'directive'; name: 'dnssec'; value: boolean } | { kind: 'directive'; name: 'dyndns'; value: DynDnsSetting };

function directive(line: string): LineResult {
  const m = /^\$([A-Za-z]+)=(.*)$/.exec(line);
  if (!m) return fail(`${line.split(/[ \t]/)[0]} is not a directive of the form $name=value`);
  const name = m[1]!.toLowerCase();
  const value = m[2]!.trim();
  if (name === 'dnssec') {
    const v = value.toLowerCase();
    if (v !== 'yes' && v !== 'no') return fail(`$dnssec must be yes or no, not ${value}`);
    return { kind: 'directive', name, value: v === 'yes' };
  }
  if (name === 'dyndns') {
    const parts = value.split(':');
    const onOff = parts[0]!.toLowerCase();
    if (onOff !== 'yes' && onOff !== 'no') return fail('$dyndns must be yes:<user>:<password> or no::');
    if (parts.length > 3) return fail('$dyndns user and password may not contain ":"');
    const user = parts[1] ?? '';
    const password = parts[2] ?? '';
    for (const [what, v] of [['user', user], ['password', password]] as const) {
      if (!/^[\x21-\x7e]*$/.test(v)) fail(`$dyndns ${what} may contain only printable characters without spaces`);
      if (v.length > 64) fail(`$dyndns ${what} is longer than 64 characters`);
    }
    if (onOff === 'yes' && (!user || !password)) return fail('$dyndns=yes needs a user and a password ($dyndns=yes:<user>:<password>)');
    return { kind: 'directive', name, value: { enabled: onOff === 'yes', user, password } };
  }
  return fail(`unknown directive $${m[1]} (only $dyndns and $dnssec are known)`);
}

function recordLine(tokens: Token[], o: ParseOptions): LineResult {
  const rawLabel = plain(tokens[0], 'label');
  const typeText = plain(tokens[1], 'record type');
  const type = typeText.toUpperCase() as ZoneRecordType;
  if (!(recordTypes as readonly string[]).includes(type)) {
    if (type === ('SOA' as string)) fail('SOA is managed by the platform and cannot be put');
    return fail(`unknown record type ${typeText} (known types are ${recordTypes.join(', ')})`);
  }
  const priText = plain(tokens[2], 'pri');
  // CAA's target is two fields (tag "value"); STALWART writes the flags once more before them.
  let next = 3;
  let caaFlagsToken: Token | undefined;
  if (type === 'CAA' && tokens[3] && !tokens[3].quoted && /^\d+$/.test(tokens[3].text) && tokens.length >= 7) caaFlagsToken = tokens[next++];
  const targetTokens = type === 'CAA' ? [tokens[next], tokens[next + 1]] : [tokens[next]];
  next += targetTokens.length;
  if (targetTokens.some((t) => t === undefined)) fail(type === 'CAA' ? 'missing CAA tag and value (like issue "letsencrypt.org")' : 'missing target');
  const rest = tokens.slice(next);
  if (rest.length === 0) fail('missing ttl');
  const ttl = integer(rest[0], 'ttl', 0, MAX_TTL);
  if (ttl < MIN_TTL && type !== 'NAPTR') fail(`ttl ${ttl} is below the minimum of ${MIN_TTL} seconds (only NAPTR may go lower)`);
  if (rest.length === 2) fail('valid-from must be followed by valid-to');
  const validFrom = rest.length > 1 ? integer(rest[1], 'valid-from', 0, MAX_TIMESTAMP) : 0;
  const validTo = rest.length > 2 ? integer(rest[2], 'valid-to', 0, MAX_TIMESTAMP) : 0;
  if (validFrom && validTo && validTo < validFrom) fail('valid-to is before valid-from');
  const params = rest.slice(3);
  const common = { ttl, validFrom, validTo };
  const noParams = () => {
    if (params.length) fail(`${type} records take no parameters after valid-from/valid-to`);
  };
  const zeroPri = () => {
    if (priText !== '0') fail(`pri must be 0 for ${type} records`);
  };
  const target = targetTokens[0]!;
  const label = () => dnsLabel(rawLabel, o.origin);

  switch (type) {
    case 'A':
    case 'DYNA':
    case 'AAAA':
    case 'DYNAAAA': {
      zeroPri();
      noParams();
      const v4 = type === 'A' || type === 'DYNA';
      const address = v4 ? ipv4(plain(target, 'target'), `${type} target`) : ipv6(plain(target, 'target'), `${type} target`);
      return { kind: 'record', record: { label: label(), type, address, ...common } };
    }
    case 'CNAME': {
      zeroPri();
      noParams();
      const l = label();
      if (l === '@') fail('the zone apex (@) cannot be a CNAME because it holds the SOA and NS records');
      const t = hostTarget(plain(target, 'target'), 'CNAME target', false);
      return { kind: 'record', record: { label: l, type, target: t, ...common } };
    }
    case 'NS': {
      zeroPri();
      noParams();
      const l = label();
      const host = hostTarget(plain(target, 'target'), 'NS target', false);
      if (l === '@') {
        const normal = host.replace(/\.$/, '').toLowerCase();
        if (o.platformNameservers.includes(normal)) return { kind: 'default' };
        return fail(`the apex NS records are the platform's name servers (${o.platformNameservers.join(', ')}); NS records can only delegate sub-domains`);
      }
      return { kind: 'record', record: { label: l, type, host, ...common } };
    }
    case 'MX': {
      noParams();
      const preference = integer(tokens[2], 'MX pri (preference)', 0, 65535);
      const exchange = hostTarget(plain(target, 'target'), 'MX target', true);
      return { kind: 'record', record: { label: label(), type, preference, exchange, ...common } };
    }
    case 'TXT': {
      zeroPri();
      noParams();
      if (!target.quoted) fail('the TXT value must be quoted, like "v=spf1 -all"');
      // The get output pads the value (the §5.4 quirk); the padding is not part of it.
      const text = noControl(target.text.trim(), 'the TXT value');
      if (!text) fail('the TXT value is empty');
      if (text.length > MAX_TXT_LENGTH) fail(`the TXT value is longer than ${MAX_TXT_LENGTH} characters`);
      return { kind: 'record', record: { label: label(), type, text, ...common } };
    }
    case 'SRV': {
      noParams();
      const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(priText);
      if (!m) fail(`SRV pri must be <priority>/<weight> like 10/100, not ${priText}`);
      const priority = Number(m![1]);
      const weight = Number(m![2] ?? 0);
      if (priority > 65535 || weight > 65535) fail('SRV priority and weight must be at most 65535');
      const t = plain(target, 'target');
      const colon = t.lastIndexOf(':');
      if (colon < 0) fail(`SRV target must be <host>:<port> like sip.example.com:5060, not ${t}`);
      const host = hostTarget(t.slice(0, colon), 'SRV target', true);
      const portText = t.slice(colon + 1);
      if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`SRV port ${portText} is not a port number (0…65535)`);
      const l = label();
      if (!/^_[^.]+\._[^.]+(\.|$)/.test(l)) fail(`SRV label ${rawLabel} must start with _<service>._<protocol>, like _sip._tcp`);
      return { kind: 'record', record: { label: l, type, priority, weight, target: host, port: Number(portText), ...common } };
    }
    case 'NAPTR': {
      const m = /^(\d{1,5})\/(\d{1,5})$/.exec(priText);
      if (!m) fail(`NAPTR pri must be <order>/<preference> like 10/100, not ${priText}`);
      const order = Number(m![1]);
      const preference = Number(m![2]);
      if (order > 65535 || preference > 65535) fail('NAPTR order and preference must be at most 65535');
      const replacement = hostTarget(plain(target, 'target'), 'NAPTR replacement', true);
      if (params.length !== 3 || params.some((p) => !p.quoted)) fail('NAPTR needs 0 0 "flags" "service" "regex" after the ttl, all three quoted');
      const [flags, service, regexp] = params.map((p) => p.text) as [string, string, string];
      if (!/^[A-Za-z0-9]*$/.test(flags)) fail(`NAPTR flags "${flags}" may contain only letters and digits`);
      if (!/^[A-Za-z0-9+:._-]*$/.test(service)) fail(`NAPTR service "${service}" may contain only letters, digits and + : . _ -`);
      noControl(regexp, 'the NAPTR regex');
      if (flags.length > 255 || service.length > 255 || regexp.length > 255) fail('NAPTR flags, service and regex are limited to 255 characters each');
      if (regexp !== '' && replacement !== '.') fail('NAPTR with a regex needs the replacement "."');
      if (regexp === '' && replacement === '.') fail('NAPTR needs either a replacement or a regex');
      return { kind: 'record', record: { label: label(), type, order, preference, replacement, flags, service, regexp, ...common } };
    }
    case 'CAA': {
      noParams();
      let flags = integer(tokens[2], 'CAA flags (pri)', 0, 255);
      if (caaFlagsToken) {
        if (flags !== 0) fail('CAA flags are given twice');
        flags = integer(caaFlagsToken, 'CAA flags', 0, 255);
      }
      const tag = plain(targetTokens[0], 'CAA tag');
      if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) fail(`CAA tag ${tag} must be 1 to 15 letters or digits (issue, issuewild, iodef …)`);
      const value = noControl(targetTokens[1]!.text, 'the CAA value');
      if (value.length > 1024) fail('the CAA value is longer than 1024 characters');
      if (tag.toLowerCase() === 'iodef' && !/^(mailto:|https?:\/\/)\S+$/.test(value)) fail('the CAA iodef value must be a mailto: or http(s):// URL');
      return { kind: 'record', record: { label: label(), type, flags, tag, value, ...common } };
    }
    case 'URL': {
      zeroPri();
      const url = checkUrl(plain(target, 'target'));
      if (params.length > 1) fail('URL takes at most one parameter, the redirect status (301, 302, 303, 307 or 308)');
      let status: RedirectStatus | null = null;
      if (params.length === 1) {
        const s = Number(params[0]!.text);
        if (!(redirectStatuses as readonly number[]).includes(s) || !/^\d{3}$/.test(params[0]!.text)) fail(`URL redirect status must be one of ${redirectStatuses.join(', ')}, not ${params[0]!.text}`);
        status = s as RedirectStatus;
      }
      return { kind: 'record', record: { label: label(), type, url, status, ...common } };
    }
    case 'FRAME': {
      zeroPri();
      const url = checkUrl(plain(target, 'target'));
      if (params.length > 4 || params.some((p) => !p.quoted)) fail('FRAME takes up to four quoted parameters, "headers" "head" "title" "body"');
      const [headers = '', head = '', title = '', body = ''] = params.map((p) => p.text);
      frameHeaders(headers);
      for (const [what, v] of [['head', head], ['title', title], ['body', body]] as const) {
        noControl(v, `the FRAME ${what}`);
        if (v.length > 4000) fail(`the FRAME ${what} is longer than 4000 characters`);
      }
      return { kind: 'record', record: { label: label(), type, url, headers, head, title, body, ...common } };
    }
    case 'MAILFW': {
      zeroPri();
      if (rawLabel !== '*' && !mailbox.test(rawLabel)) fail(`MAILFW label ${rawLabel} must be the mailbox name (the part before @), or * for every address`);
      const address = emailAddress(plain(target, 'target'), 'MAILFW target');
      if (params.length > 1) fail('MAILFW takes one parameter (1 to filter spam, 0 not to)');
      const flag = params[0]?.text ?? '0';
      if (flag !== '0' && flag !== '1') fail(`the MAILFW spam-filter parameter must be 0 or 1, not ${flag}`);
      return { kind: 'record', record: { label: rawLabel, type, address, spamFilter: flag === '1', ...common } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Zone

/** The DNS owner of a record, relative and lowercased ('' for the apex); MAILFW has none. */
export function ownerOf(r: ZoneRecord): string | undefined {
  if (r.type === 'MAILFW') return undefined;
  return r.label === '@' ? '' : r.label.toLowerCase();
}

const normalHost = (h: string) => h.toLowerCase().replace(/\.$/, '');

/** What makes two records the same (so a second one is a duplicate). */
function identity(r: ZoneRecord): string {
  const owner = ownerOf(r) ?? `mailbox:${r.label.toLowerCase()}`;
  const data = (() => {
    switch (r.type) {
      case 'A':
      case 'DYNA':
        return r.address;
      case 'AAAA':
      case 'DYNAAAA':
        return ipaddr.parse(r.address).toNormalizedString();
      case 'CNAME':
        return normalHost(r.target);
      case 'NS':
        return normalHost(r.host);
      case 'MX':
        return `${r.preference} ${normalHost(r.exchange)}`;
      case 'TXT':
        return r.text;
      case 'SRV':
        return `${r.priority} ${r.weight} ${r.port} ${normalHost(r.target)}`;
      case 'NAPTR':
        return JSON.stringify([r.order, r.preference, r.flags.toLowerCase(), r.service.toLowerCase(), r.regexp, normalHost(r.replacement)]);
      case 'CAA':
        return JSON.stringify([r.flags, r.tag.toLowerCase(), r.value]);
      case 'URL':
      case 'FRAME':
        return '';
      case 'MAILFW':
        return r.address.toLowerCase();
    }
  })();
  return `${owner}\u0000${r.type === 'URL' || r.type === 'FRAME' ? 'REDIRECT' : r.type}\u0000${data}`;
}

const addressTypes = new Set<ZoneRecordType>(['A', 'AAAA', 'DYNA', 'DYNAAAA']);
const redirectTypes = new Set<ZoneRecordType>(['URL', 'FRAME']);

/** Why `next` cannot share its name with `prev`, or undefined when they can. */
function conflict(prev: ZoneRecordType, next: ZoneRecordType): string | undefined {
  if (prev === 'CNAME' || next === 'CNAME') return 'a CNAME cannot share its name with any other record';
  if ((prev === 'NS') !== (next === 'NS')) return 'a delegated name (NS) cannot hold other records';
  if ((redirectTypes.has(prev) && (addressTypes.has(next) || redirectTypes.has(next))) || (redirectTypes.has(next) && addressTypes.has(prev))) {
    return 'a URL/FRAME name is answered by the redirect service and cannot hold A/AAAA/DYNA/DYNAAAA or another URL/FRAME record';
  }
  return undefined;
}

/** Parses a whole zone; every bad line is reported, in line order, one message per line. */
export function parseZone(text: string, o: ParseOptions): ParseResult {
  const errors = new Map<number, string>();
  const err = (line: number, message: string) => {
    if (!errors.has(line)) errors.set(line, message);
  };
  const zone: ParsedZone = { records: [], lines: [] };
  const directiveLine = new Map<string, number>();
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((rawLine, index) => {
    const n = index + 1;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      if (line.length > MAX_LINE_LENGTH) fail(`the line is longer than ${MAX_LINE_LENGTH} characters`);
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) fail('the line contains a control character');
      const result = line.startsWith('$') ? directive(line) : recordLine(tokenize(line), o);
      if (result.kind === 'record') {
        zone.records.push(result.record);
        zone.lines.push(n);
      } else if (result.kind === 'directive') {
        const first = directiveLine.get(result.name);
        if (first !== undefined) fail(`$${result.name} was already given on line ${first}`);
        directiveLine.set(result.name, n);
        if (result.name === 'dnssec') zone.dnssec = result.value;
        else zone.dyndns = result.value;
      }
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      err(n, e.message);
    }
  });

  const max = o.maxRecords ?? DEFAULT_MAX_RECORDS;
  if (zone.records.length > max) err(zone.lines[max]!, `the zone has more than ${max} records`);

  // Whole-zone rules: duplicates, names that must stay alone, records hidden by a delegation.
  const seen = new Map<string, number>();
  const byOwner = new Map<string, Array<{ type: ZoneRecordType; line: number }>>();
  const delegated: Array<{ owner: string; line: number }> = [];
  zone.records.forEach((r, i) => {
    const line = zone.lines[i]!;
    const id = identity(r);
    const dup = seen.get(id);
    if (dup !== undefined) {
      err(line, redirectTypes.has(r.type) ? `a second URL/FRAME record for ${r.label} (the first is on line ${dup})` : `duplicate of line ${dup}`);
      return;
    }
    seen.set(id, line);
    const owner = ownerOf(r);
    if (owner === undefined) return;
    const here = byOwner.get(owner) ?? [];
    for (const p of here) {
      const why = conflict(p.type, r.type);
      if (why) {
        err(line, `${r.label} clashes with line ${p.line} (${why})`);
        return;
      }
    }
    here.push({ type: r.type, line });
    byOwner.set(owner, here);
    if (r.type === 'NS' && here.length === 1) delegated.push({ owner, line });
  });
  for (const d of delegated) {
    zone.records.forEach((r, i) => {
      const owner = ownerOf(r);
      if (owner === undefined || !owner.endsWith(`.${d.owner}`)) return;
      if (r.type !== 'A' && r.type !== 'AAAA') err(zone.lines[i]!, `${r.label} lies below the delegation of ${d.owner} (line ${d.line}), where only A/AAAA glue records may be`);
    });
  }

  if (errors.size > 0) {
    return { ok: false, errors: [...errors.entries()].sort((a, b) => a[0] - b[0]).map(([line, message]) => ({ line, message })) };
  }
  return { ok: true, zone };
}

/** The `Error:` line of a zone error. */
export const describeError = (e: ZoneError) => `line ${e.line} (${e.message})`;

// ---------------------------------------------------------------------------------------------
// Output

export interface FormatOptions {
  /** include-defaults=1: the apex NS lines of the platform and every line with valid-from/valid-to. */
  defaults?: { nameservers: readonly string[]; ttl: number };
}

/** One record line as dns-zone-get shows it; `full` keeps the `0 0` valid-from/valid-to. */
export function formatRecord(r: ZoneRecord, full = false): string {
  const line = (pri: string | number, target: string, params: string[] = []) => {
    const tail = params.length > 0 || full || r.validFrom !== 0 || r.validTo !== 0 ? ` ${r.validFrom} ${r.validTo}${params.map((p) => ` ${p}`).join('')}` : '';
    return `${r.label} ${r.type} ${pri} ${target} ${r.ttl}${tail}`;
  };
  switch (r.type) {
    case 'A':
    case 'AAAA':
    case 'DYNA':
    case 'DYNAAAA':
      return line(0, r.address);
    case 'CNAME':
      return line(0, r.target);
    case 'NS':
      return line(0, r.host);
    case 'MX':
      return line(r.preference, r.exchange);
    case 'TXT':
      // dmapi-wire §5.4: two spaces after pri, the value padded with one space inside the quotes.
      return line(0, ` "${escapeQuoted(r.text)} "`);
    case 'SRV':
      return line(`${r.priority}/${r.weight}`, `${r.target}:${r.port}`);
    case 'NAPTR':
      return line(`${r.order}/${r.preference}`, r.replacement, [quote(r.flags), quote(r.service), quote(r.regexp)]);
    case 'CAA':
      return line(r.flags, `${r.tag} ${quote(r.value)}`);
    case 'URL':
      return line(0, r.url, r.status === null ? [] : [String(r.status)]);
    case 'FRAME':
      return line(0, r.url, r.headers || r.head || r.title || r.body ? [r.headers, r.head, r.title, r.body].map(quote) : []);
    case 'MAILFW':
      return line(0, r.address, [r.spamFilter ? '1' : '0']);
  }
}

export const formatDnssec = (on: boolean) => `$dnssec=${on ? 'yes' : 'no'}`;
/**
 * What dns-zone-get shows for a stored DynDNS password: only its hash is kept, and a client that
 * sends the line back unchanged (WHMCS, lexicon) keeps the password by sending this.
 */
export const DYNDNS_MASK = '********';
export const formatDyndns = (d: DynDnsSetting) => `$dyndns=${d.enabled ? 'yes' : 'no'}:${d.user}:${d.password ? DYNDNS_MASK : ''}`;

/** The dns-zone-get body: directives first, then the records in put order, each line ending in LF. */
export function formatZone(z: ZoneData, o: FormatOptions = {}): string {
  const lines = [formatDnssec(z.dnssec), formatDyndns(z.dyndns)];
  if (o.defaults) for (const ns of o.defaults.nameservers) lines.push(`@ NS 0 ${ns} ${o.defaults.ttl} 0 0`);
  for (const r of z.records) lines.push(formatRecord(r, o.defaults !== undefined));
  return lines.map((l) => `${l}\n`).join('');
}
