import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { int, oneOf, optFlag, optional, optText, text } from '../params.ts';
import { isoDate } from '../../core/dates.ts';
import { billingErrors, checkMaxPrice, money, quote } from '../../billing/quote.ts';
import { commitReservation, reserve } from '../../billing/ledger.ts';
import { orderTypeOf } from '../../billing/operations.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { createdEarlier } from '../../services/registry-checks.ts';
import { startVerification } from '../../services/verification.ts';
import { createDefaultZone } from '../../zone/store.ts';
import {
  accountRow,
  catalogPremium,
  checkLanguage,
  checkOwnBailiwick,
  checkPeriod,
  ensureExternalHosts,
  isGenericTld,
  lockNames,
  parseDomainName,
  parseNsList,
  premiumFee,
  releasePending,
  resolveContacts,
  unusedRoles,
  resultLines,
  setDelegation,
  usesPlatformNs,
  type RoleHandles,
} from '../../services/domains.ts';
import { checkPrivacyOffered, privacyOperation, type PaidPrivacy } from '../../services/privacy.ts';
import { recordEvent } from '../../services/events.ts';

/** TLDs whose registry wants a registrar tag (the .xxx membership token). */
const registrarTagRequired = new Set(['xxx']);

interface RegisterJob {
  accountId: number;
  name: string;
  tld: string;
  months: number;
  roles: RoleHandles;
  /** Result-text notes (contact roles the TLD does not use, ignored); absent in jobs queued before. */
  notes?: Array<[string, string]>;
  ns: string[];
  autorenew: boolean;
  language: string | null;
  registrarTag: string | null;
  privacy: PaidPrivacy | null;
  createOrderId: number;
  privacyOrderId: number | null;
  /** The premium fee acknowledged to the registry. */
  fee: { amount: number; currency: string } | null;
}

/** What the registry answered (or, on a retry, what an earlier attempt had made). */
interface Registered {
  expiresAt: number;
  roid: string;
}

export const domainRegister = defineCommand({
  name: 'domain-register',
  summary: 'Register a domain: contacts, name servers, period in months; money is held at once and booked when the registry confirms.',
  access: 'costs',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  othersObjects: 'it names a domain to create: one held by anybody answers that it is registered',
  params: z.object({
    domain: text(253).describe('the name to register (U-label or A-label)'),
    period: int(1, 1200).describe('registration period in MONTHS (12 = one year), one the TLD offers'),
    status: optional(oneOf(['production'] as const)).describe('only production (the default)'),
    'owner-c': optText(64).describe('owner contact handle'),
    'billing-c': optText(64).describe('billing contact handle'),
    'admin-c': optText(64).describe('admin contact handle'),
    'tech-c': optText(64).describe('tech contact handle'),
    'ns-list': text(4000).describe('name servers separated by colons (commas work too)'),
    autorenew: optFlag().describe("1: renew automatically at expiry while funds suffice; default: the account's (user-get-property autorenew)"),
    language: optText(8).describe('IDN language (ISO 639-1 or 639-2)'),
    'registrar-tag': optText(255).describe('registrar tag / membership token (.xxx)'),
    privacy: optional(oneOf(['basic', 'pro', 'none'] as const)).describe('whois privacy ordered with the domain'),
    'max-price': optText(32).describe('highest price accepted; required for premium names'),
  }),
  errors: [...billingErrors, 'OBJECT_EXISTS', 'OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'OBJECT_IN_USE', 'ACCESS_DENIED', 'COMMAND_FAILED', 'POLICY_VIOLATION'],
  notes:
    'Contacts: the roles the TLD uses are required (.de has no billing contact, .eu only owner and tech); each must be a contact of the account made for a TLD with the same handle prefix; a role the TLD does not use is accepted and ignored, with a `note:` line in the result. ' +
    'ns-list: 2 to 13 host names (the TLD\'s limits), `:` or `,` separated. Name servers inside a domain of this platform must exist (ns-create); any other host name — a.ns.joker.com, ' +
    'the platform\'s own name servers (DMAPID_DNS_NAMESERVERS), another provider\'s — is used as it is. A domain delegated to the platform\'s name servers gets an empty hosted zone at once. ' +
    'The price (create, plus privacy when ordered) is reserved when the request is accepted (query-account-balance `pending`) and booked when the registry confirms; a refusal releases it. ' +
    'Premium names need `max-price`; only the actual price is charged. A new gTLD registration whose owner e-mail is not verified starts whois verification. ' +
    'result-retrieve: `result_msg:` with the expiry date and `registry_roid:`; on refusal the registry\'s reason.',
  async accept(ctx, p) {
    const { tlds } = ctx.deps;
    const d = parseDomainName(tlds, p.domain);
    if (tlds.isReserved(d.tld.tld, d.label)) throw new DmapiError('PARAM_POLICY', `${d.name} is reserved by the registry`);
    const taken = await ctx.db.selectFrom('domains').select('id').where('name', '=', d.name).executeTakeFirst();
    if (taken) throw new DmapiError('OBJECT_EXISTS', `${d.name} is already registered`);
    const months = checkPeriod(p.period, d.tld.periods.create, `registering .${d.tld.tld} domains`);
    const language = checkLanguage(d, p.language) ?? null;
    const registrarTag = p['registrar-tag'] ?? null;
    if (registrarTagRequired.has(d.tld.tld) && !registrarTag) throw new DmapiError('PARAM_MISSING', `missing parameter 'registrar-tag' (.${d.tld.tld} registrations need the registrant's membership token)`);
    const given = { 'owner-c': p['owner-c'], 'admin-c': p['admin-c'], 'tech-c': p['tech-c'], 'billing-c': p['billing-c'] };
    const roles = await resolveContacts(ctx.db, tlds, ctx.account.id, d.tld, given, true);
    const ns = parseNsList(p['ns-list'], tlds, d.tld);
    await checkOwnBailiwick(ctx.db, tlds, ns);
    const privacy = p.privacy && p.privacy !== 'none' ? p.privacy : null;
    if (privacy) checkPrivacyOffered(d.tld, privacy);

    const account = await accountRow(ctx.db, ctx.account.id);
    const price = await quote(ctx.db, account, { tld: d.tld.tld, operation: 'create', periodMonths: months, domain: d.name, now: ctx.now, premium: catalogPremium(tlds) });
    checkMaxPrice(price, p['max-price'], `the registration of ${d.name}`);
    const order = { accountId: account.id, identifier: d.name, tld: d.tld.tld, procId: ctx.procId, now: ctx.now };
    const created = await reserve(ctx.db, { ...order, type: 'create', price });
    let privacyOrderId: number | null = null;
    if (privacy) {
      const op = privacyOperation(privacy);
      const pq = await quote(ctx.db, account, { tld: d.tld.tld, operation: op, periodMonths: months, now: ctx.now });
      privacyOrderId = (await reserve(ctx.db, { ...order, type: orderTypeOf[op], price: pq })).orderId;
    }
    const job: RegisterJob = {
      accountId: account.id,
      name: d.name,
      tld: d.tld.tld,
      months,
      roles,
      notes: unusedRoles(d.tld, given),
      ns,
      // Without `autorenew` the account's default applies (user-set-property pname=autorenew).
      autorenew: p.autorenew ?? account.autorenew_default === 1,
      language,
      registrarTag,
      privacy,
      createOrderId: created.orderId,
      privacyOrderId,
      fee: price.class !== 'standard' ? (premiumFee(tlds, d, months) ?? null) : null,
    };
    return { object: d.name, job, headers: price.class !== 'standard' ? [['Warning', `${d.name} is a ${price.class} name: ${money(price.brutto, price.currency)}`]] : [] };
  },
  async outside(deps, job: RegisterJob, o): Promise<Registered> {
    const registry = registryOf(deps).open(deps.db, o.now);
    const earlier = o.attempt > 1 ? await createdEarlier(deps.db, registry, job.name) : undefined;
    if (earlier) return { expiresAt: earlier.expiresAt, roid: earlier.roid };
    await ensureExternalHosts(registry, deps.tlds, job.ns);
    const info = await atRegistry(() =>
      registry.createDomain({
        name: job.name,
        periodMonths: job.months,
        registrant: job.roles.owner,
        admin: job.roles.admin,
        tech: job.roles.tech,
        billing: job.roles.billing,
        nameservers: job.ns,
        acceptPrice: job.fee ?? undefined,
      }),
    );
    return { expiresAt: info.expiresAt, roid: info.roid };
  },
  async perform(ctx, job: RegisterJob) {
    const { config } = ctx.deps;
    const info = ctx.prepared as Registered;
    // Local rows of one name (or of domains sharing a new name server) are written one at a time.
    await lockNames(ctx.db, [`domain:${job.name}`, ...job.ns.map((h) => `host:${h}`)]);
    const row = await ctx.db
      .insertInto('domains')
      .values({
        account_id: job.accountId,
        name: job.name,
        tld: job.tld,
        created_at: ctx.now,
        expires_at: info.expiresAt,
        updated_at: ctx.now,
        autorenew: job.autorenew ? 1 : 0,
        locked: 0,
        owner_c: job.roles.owner ?? null,
        admin_c: job.roles.admin ?? null,
        tech_c: job.roles.tech ?? null,
        billing_c: job.roles.billing ?? null,
        status: 'active',
        roid: info.roid,
        privacy: job.privacy ?? 'off',
        privacy_origin: job.privacy ?? 'off',
        privacy_expires_at: job.privacy ? info.expiresAt : null,
        registrar_tag: job.registrarTag,
        language: job.language,
        create_order_id: job.createOrderId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setDelegation(ctx.db, row.id, job.ns);
    await recordEvent(ctx.db, { accountId: job.accountId, type: 'domain.registered', object: job.name, procId: ctx.resultId, data: { expires: isoDate(info.expiresAt), months: job.months }, now: ctx.now });
    await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.createOrderId, now: ctx.now });
    if (job.privacyOrderId !== null) await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.privacyOrderId, now: ctx.now });
    const lines: Array<[string, string]> = [['result_msg', `${job.name} registered for ${job.months} months; expires ${isoDate(info.expiresAt)}`]];
    if (usesPlatformNs(config.dnsNameservers, job.ns)) {
      await createDefaultZone(ctx.db, row.id, ctx.now);
      lines.push(['zone', `hosted zone ${job.name} created`]);
    }
    if (isGenericTld(job.tld) && job.roles.owner) {
      const owner = await ctx.db.selectFrom('contacts').select('email').where('handle', '=', job.roles.owner).executeTakeFirst();
      if (owner?.email) {
        const v = await startVerification(ctx, { email: owner.email, domain: job.name, accountId: job.accountId });
        if (v.status === 'pending') lines.push(['whois_verification', `pending for ${owner.email} until ${isoDate(v.deadline)}`]);
      }
    }
    lines.push(['registry_roid', info.roid], ...(job.notes ?? []));
    return { status: 'ack', text: resultLines(lines) };
  },
  async failed(ctx, job: RegisterJob, reason) {
    await releasePending(ctx.db, job.accountId, [job.createOrderId, job.privacyOrderId], ctx.now, `domain-register ${job.name} failed: ${reason}`);
  },
});
