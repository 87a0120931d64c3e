import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { contactProfiles } from '../core/contact.ts';
import { parseAmount } from '../core/money.ts';

/**
 * The TLD catalogue: what the platform knows about each TLD it sells. The shipped default is
 * `tlds.json`; an operator may point DMAPID_TLD_CATALOGUE (config.tldCatalogue) at a file of
 * their own. Everything not given takes the gTLD-style defaults of registry-rules §1.1.
 */
const months = z
  .number()
  .int()
  .refine((m) => m >= 12 && m <= 120 && m % 12 === 0, 'periods are months, a multiple of 12 from 12 to 120');

const days = (d: number) => z.number().int().min(0).max(3650).default(d);

const price = z.string().regex(/^\d{1,10}(\.\d{1,2})?$/, 'a decimal amount like 2500 or 12.50');

const premiumSchema = z.object({
  /** The label (A-label, lowercase) under this TLD. */
  label: z.string().regex(/^[a-z0-9-]{1,63}$/),
  /** DMAPI domain-check's domain-class. */
  class: z.string().regex(/^[a-z0-9-]{1,32}$/).default('premium'),
  create: price,
  renew: price.optional(),
});

export const tldSchema = z.object({
  tld: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/),
  /** Contact handle prefix (`CCOM` → `CCOM-1234`); login with prefixes=1 lists it. */
  handlePrefix: z.string().regex(/^[A-Z]{3,8}$/),
  /** Display form for IDN TLDs. */
  unicode: z.string().optional(),
  /** Who runs the registry (informational). */
  registry: z.string().default(''),
  periods: z
    .object({
      create: z.array(months).nonempty().default([12, 24, 36, 48, 60, 72, 84, 96, 108, 120]),
      renew: z.array(months).nonempty().default([12, 24, 36, 48, 60, 72, 84, 96, 108, 120]),
      /** Months a completed transfer adds (0 where the registry adds none, like DENIC). */
      transfer: z.union([z.literal(0), months]).default(12),
    })
    .prefault({}),
  /** Grace and redemption periods in days (RFC 3915). */
  grace: z
    .object({
      add: days(5),
      renew: days(5),
      autoRenew: days(45),
      transfer: days(5),
      redemption: days(30),
      pendingRestore: days(7),
      pendingDelete: days(5),
    })
    .prefault({}),
  /** gTLD style: the registry renews at expiry; ccTLD style: the name expires. */
  expiryModel: z.enum(['autorenew', 'expire']).default('autorenew'),
  transfer: z
    .object({
      /** Whether a transfer needs the auth code (not for .eu and Nominet's tag changes). */
      authCode: z.boolean().default(true),
      /** Days the losing registrar has before the registry approves on its own. */
      pendingDays: days(5),
      /** Days after create / after a transfer during which the name may not move. */
      lockAfterCreate: days(60),
      lockAfterTransfer: days(60),
    })
    .prefault({}),
  dnssec: z
    .object({
      supported: z.boolean().default(true),
      /** What domain-modify's ds-N carries: DS records or DNSKEY data (.de style). */
      format: z.enum(['dsdata', 'keydata']).default('dsdata'),
      maxRecords: z.number().int().min(1).max(6).default(6),
    })
    .prefault({}),
  /** Privacy services on offer; empty where the registry forbids them (.us). */
  privacy: z.array(z.enum(['basic', 'pro'])).default(['basic', 'pro']),
  /** IDN tables: BCP 47 language tag and ISO 15924 script. Empty: ASCII names only. */
  idn: z.array(z.object({ language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/), script: z.string().regex(/^[A-Z][a-z]{3}$/) })).default([]),
  contacts: z
    .object({
      /** Which TLD rule set contact-create applies (core/contact.ts). */
      profile: z.enum(contactProfiles).default('generic'),
      faxRequired: z.boolean().default(false),
      /** Roles a registration must name. */
      roles: z.array(z.enum(['owner', 'admin', 'tech', 'billing'])).default(['owner', 'admin', 'tech', 'billing']),
    })
    .prefault({}),
  nameservers: z.object({ min: z.number().int().min(0).max(13).default(2), max: z.number().int().min(1).max(13).default(13) }).prefault({}),
  /** Labels nobody may register. */
  reserved: z.array(z.string().regex(/^[a-z0-9-]{1,63}$/)).default([]),
  premium: z.array(premiumSchema).default([]),
  /** Currency of the premium prices. */
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
});

export type TldInfo = z.output<typeof tldSchema>;
export type PremiumEntry = z.output<typeof premiumSchema>;

export interface TldCatalogue {
  list(): readonly TldInfo[];
  get(tld: string): TldInfo | undefined;
  /** Every TLD name, for suffix matching (`co.uk` and `uk` both). */
  names(): readonly string[];
  /** The premium entry of a label, if any. */
  premium(tld: string, label: string): PremiumEntry | undefined;
  isReserved(tld: string, label: string): boolean;
}

const defaultPath = new URL('./tlds.json', import.meta.url);

/** Builds a catalogue from entries (checked: one entry per TLD, premium prices fit the currency). */
export function tldCatalogue(input: unknown): TldCatalogue {
  const entries = z.array(tldSchema).parse(input);
  const seen = new Set<string>();
  for (const t of entries) {
    if (seen.has(t.tld)) throw new Error(`TLD catalogue: ${t.tld} is listed twice`);
    seen.add(t.tld);
    for (const p of t.premium) {
      for (const amount of [p.create, p.renew]) {
        if (amount !== undefined && parseAmount(amount, t.currency) === undefined) throw new Error(`TLD catalogue: ${t.tld} premium ${p.label}: ${amount} does not fit ${t.currency}`);
      }
    }
    if (t.nameservers.min > t.nameservers.max) throw new Error(`TLD catalogue: ${t.tld} nameservers.min exceeds max`);
  }
  const sorted = [...entries].sort((a, b) => a.tld.localeCompare(b.tld));
  const byName = new Map(sorted.map((t) => [t.tld, t]));
  const premium = new Map(sorted.map((t) => [t.tld, new Map(t.premium.map((p) => [p.label, p]))]));
  const reserved = new Map(sorted.map((t) => [t.tld, new Set(t.reserved)]));
  const names = sorted.map((t) => t.tld);
  return {
    list: () => sorted,
    get: (tld) => byName.get(tld.toLowerCase()),
    names: () => names,
    premium: (tld, label) => premium.get(tld)?.get(label),
    isReserved: (tld, label) => reserved.get(tld)?.has(label) ?? false,
  };
}

/** Loads the catalogue (the shipped default, or an operator's file); TLDs come out sorted. */
export function loadTldCatalogue(path: string | URL = defaultPath): TldCatalogue {
  return tldCatalogue(JSON.parse(readFileSync(path, 'utf8')));
}
