import type { z } from 'zod';
import type { Command } from '../../src/dmapi/command.ts';
import { paramList } from '../../src/dmapi/docs.ts';
import type { Tenant } from './world.ts';

/**
 * Request parameters made from the command table alone, so that a new request is covered without
 * touching the suite: parameters that name objects take the objects of the tenant under test,
 * every other parameter takes a valid value by its name (the vocabulary below, the first value of
 * an enumeration, or the request's declared `example`).
 */

/** What a parameter names, when it names an object of a tenant. */
export type ObjectKind = 'domain' | 'contact' | 'host' | 'procId' | 'svtrid' | 'cltrid' | 'grantScope' | 'inviteKey' | 'verifyKey' | 'corKey' | 'email';

/** Object parameters by name; `key` means the key the request's family works with. */
const objectParams: Record<string, ObjectKind | ((c: Command) => ObjectKind | undefined)> = {
  domain: 'domain',
  fqdn: 'domain',
  objid: 'domain',
  handle: 'contact',
  contact: 'contact',
  'owner-c': 'contact',
  'admin-c': 'contact',
  'tech-c': 'contact',
  'billing-c': 'contact',
  host: 'host',
  'proc-id': 'procId',
  procid: 'procId',
  svtrid: 'svtrid',
  cltrid: 'cltrid',
  scope: 'grantScope',
  email: (c) => (c.name.startsWith('wa-email') ? 'email' : undefined),
  key: (c) => (c.name.startsWith('grants-') ? 'inviteKey' : c.name.startsWith('wa-email') ? 'verifyKey' : 'corKey'),
};

export function objectKindOf(c: Command, param: string): ObjectKind | undefined {
  const k = objectParams[param];
  return typeof k === 'function' ? k(c) : k;
}

/** Valid values of parameters that name no object. */
const vocabulary: Record<string, string> = {
  tld: 'com',
  name: 'Jane Doe',
  'address-1': 'Main Street 1',
  city: 'Springfield',
  'postal-code': '12345',
  country: 'US',
  phone: '+1.4155552671',
  period: '12',
  status: 'production',
  'ns-list': 'a.ns.joker.com:b.ns.joker.com',
  zone: 'www A 0 192.0.2.1 3600',
  role: '@tech',
  type: 'grant',
  answer: 'yes',
  action: 'show',
  ip: '45.76.10.54',
  'registrar-tag': 'TAG-1',
  pname: 'autorenew',
  pvalue: '0',
  privacy: 'basic',
  'transfer-auth-id': 'Code-1',
};

/** The values an enumeration parameter allows, however the schema wraps it (optional, preprocess …). */
export function enumValues(schema: z.ZodType): string[] | undefined {
  const def = (schema as unknown as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return undefined;
  if (def['type'] === 'enum') return Object.values(def['entries'] as Record<string, string>);
  for (const inner of ['innerType', 'out', 'in', 'schema']) {
    const found = def[inner] ? enumValues(def[inner] as z.ZodType) : undefined;
    if (found) return found;
  }
  return undefined;
}

export function shapeOf(c: Command): Record<string, z.ZodType> {
  return (c.params as unknown as { shape: Record<string, z.ZodType> }).shape;
}

export const objectValue = (t: Tenant, kind: ObjectKind): string => t[kind];

/** Objects of nobody, shaped like the tenant's: what "not found" looks like. */
export function missingTenant(like: Tenant): Tenant {
  return {
    ...like,
    domain: 'nobody-holds-this.com',
    contact: like.contact.replace(/\d+$/, '999999'),
    host: 'ns1.nobody-holds-this.com',
    email: 'nobody-at-all@example.org',
    procId: '987654321',
    svtrid: 'f'.repeat(32),
    cltrid: 'nobody-cltrid',
    grantScope: '876543219',
    inviteKey: 'e'.repeat(32),
    verifyKey: 'd'.repeat(32),
    corKey: 'c'.repeat(32),
  };
}

/**
 * A complete parameter set for `c` as `own` would send it about its own objects; with `target`,
 * every parameter of the target's kind (optional ones too, and `pattern` for domains) names the
 * target tenant's object instead.
 */
export function sample(c: Command, own: Tenant, target?: { tenant: Tenant; kind: ObjectKind }): Record<string, string> {
  const out: Record<string, string> = {};
  // `{contact}` and the like in an example stand for the sending tenant's own objects.
  const example = Object.fromEntries(Object.entries(c.example ?? {}).map(([k, v]) => [k, v.replace(/\{(\w+)\}/g, (_, kind: ObjectKind) => objectValue(own, kind))]));
  for (const p of paramList(c.params)) {
    const kind = objectKindOf(c, p.name);
    if (target && (kind === target.kind || (p.name === 'pattern' && target.kind === 'domain'))) {
      out[p.name] = objectValue(target.tenant, target.kind);
      continue;
    }
    if (!p.required) continue;
    const known = example[p.name] ?? (kind ? objectValue(own, kind) : (vocabulary[p.name] ?? enumValues(shapeOf(c)[p.name]!)?.[0]));
    out[p.name] = known ?? 'x';
  }
  for (const [k, v] of Object.entries(example)) out[k] ??= v;
  return out;
}

/** The object kinds a request's parameters can name. */
export function objectKinds(c: Command): ObjectKind[] {
  const kinds = new Set<ObjectKind>();
  for (const p of paramList(c.params)) {
    const k = objectKindOf(c, p.name);
    if (k) kinds.add(k);
  }
  if (paramList(c.params).some((p) => p.name === 'pattern')) kinds.add('domain');
  return [...kinds];
}
