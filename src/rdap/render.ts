import { isoSeconds } from '../core/dates.ts';
import type { EppStatus, PublicContact, PublicDomain, PublicHost, RegistrarIdentity } from '../services/directory.ts';
import { fieldLabel, type PublishedField, type RedactionReason } from '../services/redaction.ts';

/**
 * RDAP JSON (RFC 9083) of the directory's objects, with the members the ICANN gTLD RDAP profile
 * asks of a registrar: conformance tokens, the three notices, registrar entity with IANA id and
 * abuse contact, events, EPP statuses in their RFC 8056 words, and RFC 9537 `redacted` entries
 * for every field the directory left out.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const RDAP_CONTENT_TYPE = 'application/rdap+json';
const BASE_CONFORMANCE = ['rdap_level_0', 'icann_rdap_response_profile_1', 'icann_rdap_technical_implementation_guide_1'];

/** RFC 8056 §2: the RDAP status words of the EPP statuses. */
const statusWords: Record<EppStatus, string> = {
  ok: 'active',
  inactive: 'inactive',
  clientTransferProhibited: 'client transfer prohibited',
  clientHold: 'client hold',
  pendingTransfer: 'pending transfer',
  redemptionPeriod: 'redemption period',
  pendingDelete: 'pending delete',
};

/** RFC 9537's registered redaction names; other fields are named by description. */
const registeredNames = new Set([
  'Registry Registrant ID', 'Registrant Name', 'Registrant Organization', 'Registrant Street', 'Registrant City', 'Registrant Postal Code',
  'Registrant Phone', 'Registrant Fax', 'Registrant Email', 'Registry Tech ID', 'Tech Name', 'Tech Phone', 'Tech Email',
]);

const reasons: Record<RedactionReason, string> = {
  privacy: 'Redacted for privacy: the domain has a whois privacy service',
  person: 'Redacted for privacy: the contact is a natural person',
};

/** The context every answer is built in: who the registrar is and the address asked. */
export interface RdapContext {
  registrar: RegistrarIdentity;
  /** The URL of this request (the `value` of links). */
  self: string;
  now: number;
}

const link = (ctx: RdapContext, rel: string, href: string, type = 'application/rdap+json'): JsonObject => ({ value: ctx.self, rel, href, type });
const event = (eventAction: string, at: number): JsonObject => ({ eventAction, eventDate: isoSeconds(at) });

export function notices(ctx: RdapContext): Json[] {
  return [
    {
      title: 'Terms of Use',
      description: [`Registration data of ${ctx.registrar.name}, given for lookups of domain registrations only; the terms linked here apply.`],
      links: [link(ctx, 'terms-of-service', ctx.registrar.termsUrl, ctx.registrar.termsUrl.startsWith(ctx.registrar.rdapBase) ? 'application/rdap+json' : 'text/html')],
    },
    {
      title: 'Status Codes',
      description: ['For more information on domain status codes, please visit https://icann.org/epp'],
      links: [link(ctx, 'glossary', 'https://icann.org/epp', 'text/html')],
    },
    {
      title: 'RDDS Inaccuracy Complaint Form',
      description: ['URL of the ICANN RDDS Inaccuracy Complaint Form: https://icann.org/wicf'],
      links: [link(ctx, 'help', 'https://icann.org/wicf', 'text/html')],
    },
  ];
}

/** The members a top-level answer carries: conformance (with `redacted` when it redacts) and notices. */
export function topLevel(ctx: RdapContext, body: JsonObject, redacted: Json[] = []): JsonObject {
  return {
    rdapConformance: redacted.length ? [...BASE_CONFORMANCE, 'redacted'] : BASE_CONFORMANCE,
    ...body,
    notices: notices(ctx),
    ...(redacted.length ? { redacted } : {}),
  };
}

export function rdapError(ctx: RdapContext, errorCode: number, title: string, description: string): JsonObject {
  return topLevel(ctx, { errorCode, title, description: [description] });
}

function registrarEntity(ctx: RdapContext): JsonObject {
  const r = ctx.registrar;
  const id = String(r.ianaId);
  return {
    objectClassName: 'entity',
    handle: id,
    roles: ['registrar'],
    publicIds: [{ type: 'IANA Registrar ID', identifier: id }],
    vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', r.name]]],
    links: [link(ctx, 'self', `${r.rdapBase}entity/${id}`), link(ctx, 'about', r.url, 'text/html')],
    entities: [
      {
        objectClassName: 'entity',
        roles: ['abuse'],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', `${r.name} abuse desk`], ['tel', { type: 'voice' }, 'uri', `tel:${r.abusePhone}`], ['email', {}, 'text', r.abuseEmail]]],
      },
    ],
  };
}

/** The registrar as an answer of its own (entity/<IANA id>). */
export function registrarAnswer(ctx: RdapContext): JsonObject {
  return topLevel(ctx, { ...registrarEntity(ctx), port43: ctx.registrar.whoisServer });
}

/** Where each published field sits in a contact's jCard, as a JSONPath below the entity. */
const fieldPath: Record<Exclude<PublishedField, 'handle'>, { at: string; method: 'emptyValue' | 'removal' }> = {
  name: { at: ".vcardArray[1][?(@[0]=='fn')][3]", method: 'emptyValue' },
  organization: { at: ".vcardArray[1][?(@[0]=='org')]", method: 'removal' },
  street: { at: ".vcardArray[1][?(@[0]=='adr')][3][2]", method: 'emptyValue' },
  city: { at: ".vcardArray[1][?(@[0]=='adr')][3][3]", method: 'emptyValue' },
  state: { at: ".vcardArray[1][?(@[0]=='adr')][3][4]", method: 'emptyValue' },
  'postal-code': { at: ".vcardArray[1][?(@[0]=='adr')][3][5]", method: 'emptyValue' },
  country: { at: ".vcardArray[1][?(@[0]=='adr')][1].cc", method: 'removal' },
  phone: { at: ".vcardArray[1][?(@[0]=='tel' && @[1].type=='voice')]", method: 'removal' },
  fax: { at: ".vcardArray[1][?(@[0]=='tel' && @[1].type=='fax')]", method: 'removal' },
  email: { at: ".vcardArray[1][?(@[0]=='email')]", method: 'removal' },
};

/** RFC 9537 entries for a contact's redacted fields; `entity` is the JSONPath of the entity object. */
function redactions(c: PublicContact, entity: string): Json[] {
  const out: Json[] = [];
  for (const [field, why] of c.redacted) {
    const label = fieldLabel(c.role, field);
    const name = registeredNames.has(label) ? { type: label } : { description: label };
    const { at, method } = field === 'handle' ? { at: '.handle', method: 'removal' as const } : fieldPath[field];
    const where = method === 'removal' ? { prePath: `${entity}${at}` } : { path: `${entity}${at}` };
    out.push({ name, ...where, pathLang: 'jsonpath', method, reason: { description: reasons[why] } });
  }
  return out;
}

function contactEntity(ctx: RdapContext, c: PublicContact): JsonObject {
  const d = c.data;
  const card: Json[] = [['version', {}, 'text', '4.0'], ['fn', {}, 'text', d.name]];
  if (d.organization) card.push(['org', {}, 'text', d.organization]);
  // The address is kept as a structure even when emptied, so the redaction paths point at something.
  card.push(['adr', d.country ? { cc: d.country } : {}, 'text', ['', '', d.street.length > 1 ? d.street : (d.street[0] ?? ''), d.city, d.state, d.postalCode, '']]);
  if (d.phone) card.push(['tel', { type: 'voice' }, 'uri', `tel:${d.phone}`]);
  if (d.fax) card.push(['tel', { type: 'fax' }, 'uri', `tel:${d.fax}`]);
  if (d.email) card.push(['email', {}, 'text', d.email]);
  return {
    objectClassName: 'entity',
    ...(d.handle ? { handle: d.handle } : {}),
    ...(c.role ? { roles: [c.role] } : {}),
    vcardArray: ['vcard', card],
    ...(d.handle ? { links: [link(ctx, 'self', `${ctx.registrar.rdapBase}entity/${encodeURIComponent(d.handle)}`)] } : {}),
  };
}

/** A contact looked up by its handle: its own redactions, paths from the top. */
export function contactAnswer(ctx: RdapContext, c: PublicContact): JsonObject {
  const events = [event('registration', c.createdAt), event('last changed', c.updatedAt), event('last update of RDAP database', ctx.now)];
  return topLevel(ctx, { ...contactEntity(ctx, c), events, port43: ctx.registrar.whoisServer }, redactions(c, '$'));
}

function nameserverObject(ctx: RdapContext, h: PublicHost): JsonObject {
  const addresses = h.ipv4.length || h.ipv6.length ? { ipAddresses: { ...(h.ipv4.length ? { v4: h.ipv4 } : {}), ...(h.ipv6.length ? { v6: h.ipv6 } : {}) } } : {};
  return {
    objectClassName: 'nameserver',
    ldhName: h.name,
    ...(h.unicode !== h.name ? { unicodeName: h.unicode } : {}),
    ...addresses,
    links: [link(ctx, 'self', `${ctx.registrar.rdapBase}nameserver/${h.name}`)],
  };
}

/** A name server looked up by name. */
export function nameserverAnswer(ctx: RdapContext, h: PublicHost): JsonObject {
  const events = h.object ? [event('registration', h.object.createdAt), event('last changed', h.object.updatedAt)] : [];
  return topLevel(ctx, {
    ...nameserverObject(ctx, h),
    status: ['active'],
    entities: [registrarEntity(ctx)],
    events: [...events, event('last update of RDAP database', ctx.now)],
    port43: ctx.registrar.whoisServer,
  });
}

function secureDns(d: PublicDomain): JsonObject {
  if (!d.dnssec) return { delegationSigned: false };
  if (d.dnssec.kind === 'ds') {
    return { delegationSigned: true, dsData: d.dnssec.records.map((r) => ({ keyTag: r.keyTag, algorithm: r.algorithm, digestType: r.digestType, digest: r.digest })) };
  }
  return { delegationSigned: true, keyData: d.dnssec.records.map((r) => ({ flags: r.flags, protocol: r.protocol, algorithm: r.algorithm, publicKey: r.publicKey })) };
}

/** A domain object and its redactions; `at` is the JSONPath of the object (`$` for a lookup). */
function domainObject(ctx: RdapContext, d: PublicDomain, at: string): { object: JsonObject; redacted: Json[] } {
  const events = [event('registration', d.createdAt), event('expiration', d.expiresAt), event('registrar expiration', d.expiresAt), event('last changed', d.updatedAt)];
  if (d.transferredAt !== null) events.push(event('transfer', d.transferredAt));
  events.push(event('last update of RDAP database', ctx.now));
  const redacted = d.contacts.flatMap((c) => redactions(c, `${at}.entities[?(@.roles[0]=='${c.role}')]`));
  const object: JsonObject = {
    objectClassName: 'domain',
    ...(d.roid ? { handle: d.roid } : {}),
    ldhName: d.name,
    ...(d.unicode !== d.name ? { unicodeName: d.unicode } : {}),
    status: d.statuses.map((s) => statusWords[s]),
    events,
    entities: [registrarEntity(ctx), ...d.contacts.map((c) => contactEntity(ctx, c))],
    nameservers: d.nameservers.map((h) => nameserverObject(ctx, h)),
    secureDNS: secureDns(d),
    links: [link(ctx, 'self', `${ctx.registrar.rdapBase}domain/${d.name}`), link(ctx, 'related', ctx.registrar.url, 'text/html')],
    port43: ctx.registrar.whoisServer,
  };
  return { object, redacted };
}

export function domainAnswer(ctx: RdapContext, d: PublicDomain): JsonObject {
  const { object, redacted } = domainObject(ctx, d, '$');
  return topLevel(ctx, object, redacted);
}

/** A search answer: the objects (each with its own redactions), and a notice when the limit cut the list. */
export function searchAnswer(ctx: RdapContext, member: 'domainSearchResults' | 'nameserverSearchResults', objects: JsonObject[], truncated: boolean, limit: number): JsonObject {
  const answer = topLevel(ctx, { [member]: objects });
  if (truncated) {
    (answer.notices as Json[]).push({
      title: 'Search Policy',
      type: 'result set truncated due to excessive load',
      description: [`Only the first ${limit} matches are listed; a narrower search shows the others.`],
    });
  }
  if (objects.some((o) => Array.isArray(o.redacted))) answer.rdapConformance = [...BASE_CONFORMANCE, 'redacted'];
  return answer;
}

export function domainSearchObject(ctx: RdapContext, d: PublicDomain): JsonObject {
  const { object, redacted } = domainObject(ctx, d, '$');
  return redacted.length ? { ...object, redacted } : object;
}

export const nameserverSearchObject = nameserverObject;

/** help: what this server answers, as a notice beside the usual ones. */
export function helpAnswer(ctx: RdapContext, searchLimit: number): JsonObject {
  const answer = topLevel(ctx, {});
  (answer.notices as Json[]).unshift({
    title: 'Queries',
    description: [
      'domain/<name> (A-label or U-label), nameserver/<name>, entity/<handle> (a contact handle, or the IANA id of the registrar), help.',
      `Searches: domains?name=, domains?nsLdhName=, domains?nsIp=, nameservers?name=, nameservers?ip=; a pattern may end a label with * after two characters or more (exa*.com); at most ${searchLimit} results.`,
      'Only objects of this registrar are answered; data of natural persons and of domains under whois privacy is redacted (RFC 9537).',
    ],
  });
  return answer;
}
