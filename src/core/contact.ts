import { checkCountry, euMembers } from './country.ts';
import { normalizeEmail } from './email.ts';
import { normalizePhone } from './phone.ts';
import { parseIsoDate } from './dates.ts';

/**
 * Contact data rules: the DMAPI contact fields (seeds, contact-create), the generic checks, and
 * the TLD-specific rules of registry-rules §2 (.eu, .us, .uk, .se/.nu, .fi), with the exact
 * allowed values given there. Pure: no I/O. Values are normalised (upper-case codes, canonical
 * phone numbers, trimmed text); field names are the DMAPI ones.
 */
export const contactFields = [
  'name', 'fname', 'lname', 'title', 'individual', 'organization', 'email',
  'address-1', 'address-2', 'address-3', 'city', 'state', 'postal-code', 'country',
  'phone', 'extension', 'fax',
  'lang', 'x-eu-country-of-citizenship',
  'app-purpose', 'nexus-category', 'nexus-category-country',
  'account-type', 'company-number',
  'orgid', 'vatid',
  'x-ficora-type', 'x-ficora-is-finnish', 'x-ficora-registernumber', 'x-ficora-identity', 'x-ficora-birthdate', 'x-ficora-legalemail',
] as const;
export type ContactField = (typeof contactFields)[number];
export type ContactFields = Partial<Record<ContactField, string>>;

/** Other spellings clients send for the same fields (RPANEL `language`, the demo profile's `org-id`/`vat-id`). */
export const contactFieldAliases: Readonly<Record<string, ContactField>> = { language: 'lang', 'org-id': 'orgid', 'vat-id': 'vatid' };

/** Which TLD rule set applies (the TLD catalogue names one per TLD). */
export type ContactProfile = 'generic' | 'eu' | 'us' | 'uk' | 'se' | 'fi';
export const contactProfiles = ['generic', 'eu', 'us', 'uk', 'se', 'fi'] as const satisfies readonly ContactProfile[];

export interface ContactRules {
  profile: ContactProfile;
  /** Joker's .de profile insists on a fax number (registry-rules §2, other profile facts). */
  faxRequired: boolean;
}

/** Fields that cannot change after creation: the seeds say so for lang and the .us trio; registry-rules for orgid. */
export const immutableFields: readonly ContactField[] = ['lang', 'app-purpose', 'nexus-category', 'nexus-category-country', 'orgid'];

export type IssueKind = 'missing' | 'syntax' | 'range' | 'policy';
export interface ContactIssue {
  field: string;
  kind: IssueKind;
  message: string;
}

export type ContactCheck = { ok: true; fields: ContactFields; warnings: string[] } | { ok: false; issues: ContactIssue[] };

// --- allowed values (registry-rules §2) ---

/** The 24 official EU languages EURid accepts. */
export const euLanguages = ['BG', 'CS', 'DA', 'DE', 'EL', 'EN', 'ES', 'ET', 'FI', 'FR', 'GA', 'HR', 'HU', 'IT', 'LT', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SL', 'SV'] as const;
/** Of those, the four Joker's own list (20 languages) lacks: accepted with a warning. */
export const euLanguagesJokerLacks: readonly string[] = ['BG', 'GA', 'HR', 'RO'];
export const nexusCategories = ['C11', 'C12', 'C21', 'C31', 'C32'] as const;
/** Foreign entities must name the country they are based in. */
export const nexusNeedsCountry: readonly string[] = ['C31', 'C32'];
export const appPurposes = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export const ukAccountTypes = ['IND', 'FIND', 'LTD', 'PLC', 'PTNR', 'STRA', 'LLP', 'IP', 'SCH', 'RCHAR', 'GOV', 'CRC', 'STAT', 'OTHER', 'FCORP', 'FOTHER'] as const;
/** Account types that are registered bodies and so need a company (or charity, school) number. */
export const ukNeedsCompanyNumber: readonly string[] = ['LTD', 'PLC', 'LLP', 'IP', 'SCH', 'RCHAR'];
/** Registered at Companies House: 8 digits, or 2 letters and 6 digits (SC…, NI…, OC…). */
const ukCompaniesHouse: readonly string[] = ['LTD', 'PLC', 'LLP'];
/**
 * Traficom's types as registry-rules §2 lists them; the seeds' older names `corporation` and
 * `township` are accepted too (the seed manual still documents them).
 */
export const ficoraTypes = ['privateperson', 'company', 'association', 'institution', 'politicalparty', 'municipality', 'government', 'publiccommunity'] as const;
export const ficoraLegacyTypes = ['corporation', 'township'] as const;

const isBlank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';
// Control characters never belong in postal data; they would also break the `key: value` replies.
const controlChars = /[\u0000-\u001f\u007f]/;

/** Checks a complete contact (create, or the merged result of a modify) against the generic and the TLD rules. */
export function validateContact(input: ContactFields, rules: ContactRules): ContactCheck {
  const issues: ContactIssue[] = [];
  const warnings: string[] = [];
  const out: ContactFields = {};
  const issue = (field: string, kind: IssueKind, message: string) => issues.push({ field, kind, message });
  const get = (f: ContactField) => (isBlank(input[f]) ? undefined : input[f]!.trim());

  for (const f of contactFields) {
    const v = get(f);
    if (v === undefined) continue;
    if (controlChars.test(v)) issue(f, 'syntax', 'contains a control character (line break, tab …)');
    else out[f] = v;
  }
  if (issues.length) return { ok: false, issues };

  const maxLen = (f: ContactField, n: number) => {
    const v = out[f];
    if (v !== undefined && [...v].length > n) issue(f, 'range', `at most ${n} characters`);
  };
  const required = (f: ContactField, why = '') => {
    if (out[f] === undefined) issue(f, 'missing', `required${why}`);
  };

  // Name: fname + lname build it when it is empty (seeds: "simple concatenation").
  if (out.name === undefined) {
    if (out.fname !== undefined && out.lname !== undefined) out.name = `${out.fname} ${out.lname}`;
    else issue('name', 'missing', 'required (or both fname and lname)');
  }
  for (const f of ['name', 'fname', 'lname', 'title', 'organization', 'address-1', 'address-2', 'address-3', 'city', 'state'] as const) maxLen(f, 255);

  if (out.individual !== undefined) {
    const v = out.individual.toLowerCase();
    if (v === 'y' || v === 'yes') out.individual = 'Y';
    else if (v === 'n' || v === 'no') out.individual = 'N';
    else issue('individual', 'syntax', 'must be Y, Yes, N or No');
  }
  if (out.individual === 'N') required('organization', ' when individual is No');

  required('email');
  if (out.email !== undefined) {
    const e = normalizeEmail(out.email);
    if (e.ok) out.email = e.value;
    else issue('email', 'syntax', e.reason);
  }
  required('address-1');
  required('city');
  required('postal-code');
  if (out['postal-code'] !== undefined) {
    const pc = out['postal-code'];
    if (!/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(pc)) issue('postal-code', 'syntax', `${pc} may contain only letters, digits, spaces and hyphens`);
    else maxLen('postal-code', 16);
  }
  required('country');
  if (out.country !== undefined) {
    const c = checkCountry(out.country);
    if (c.ok) out.country = c.code;
    else issue('country', 'syntax', c.reason);
  }
  required('phone');
  for (const f of ['phone', 'fax'] as const) {
    if (out[f] === undefined) continue;
    const p = normalizePhone(out[f]!);
    if (p.ok) out[f] = p.value;
    else issue(f, 'syntax', p.reason);
  }
  if (rules.faxRequired) required('fax', ' for this TLD');
  if (out.extension !== undefined && !/^\d{1,10}$/.test(out.extension)) issue('extension', 'syntax', 'must be 1 to 10 digits');

  const upper = (f: ContactField) => {
    if (out[f] !== undefined) out[f] = out[f]!.toUpperCase();
  };
  const oneOf = (f: ContactField, values: readonly string[], hint = '') => {
    if (out[f] !== undefined && !values.includes(out[f]!)) issue(f, 'range', `${out[f]} is not one of ${values.join(', ')}${hint}`);
  };

  // Fields of other TLDs' profiles are kept only where they belong.
  const keep = new Set<ContactField>(profileFields[rules.profile]);
  for (const f of allProfileFields) if (!keep.has(f)) delete out[f];

  switch (rules.profile) {
    case 'eu': {
      upper('lang');
      required('lang', ' for .eu contacts (the language EURid writes to the registrant in)');
      oneOf('lang', euLanguages);
      if (out.lang !== undefined && euLanguagesJokerLacks.includes(out.lang)) warnings.push(`lang: ${out.lang} is an EU language Joker.com's own backend does not offer`);
      upper('x-eu-country-of-citizenship');
      const cit = out['x-eu-country-of-citizenship'];
      if (cit !== undefined && !euMembers.has(cit)) issue('x-eu-country-of-citizenship', 'range', `${cit} is not an EU member state`);
      // EURid's field limits as Joker's .eu profile applies them.
      maxLen('name', 50);
      maxLen('organization', 100);
      for (const f of ['address-1', 'address-2', 'address-3', 'city'] as const) maxLen(f, 80);
      maxLen('phone', 17);
      maxLen('fax', 17);
      break;
    }
    case 'us': {
      upper('nexus-category');
      upper('app-purpose');
      upper('nexus-category-country');
      required('nexus-category', ' for .us contacts');
      oneOf('nexus-category', nexusCategories);
      required('app-purpose', ' for .us contacts');
      oneOf('app-purpose', appPurposes);
      const cat = out['nexus-category'];
      if (cat !== undefined && nexusNeedsCountry.includes(cat)) required('nexus-category-country', ` for nexus-category ${cat}`);
      const ncc = out['nexus-category-country'];
      if (ncc !== undefined) {
        const c = checkCountry(ncc);
        if (!c.ok) issue('nexus-category-country', 'syntax', c.reason);
      }
      break;
    }
    case 'uk': {
      upper('account-type');
      const t = out['account-type'];
      // Joker's WHMCS module sends CORP for "Foreign Organization": Nominet's code for that is FCORP.
      if (t === 'CORP') {
        out['account-type'] = 'FCORP';
        warnings.push('account-type: CORP is not a Nominet account type; stored as FCORP (non-UK corporation)');
      } else oneOf('account-type', ukAccountTypes);
      if (out['company-number'] !== undefined) out['company-number'] = out['company-number'].replace(/\s+/g, '').toUpperCase();
      if (t !== undefined && ukNeedsCompanyNumber.includes(t)) required('company-number', ` for account-type ${t}`);
      const n = out['company-number'];
      if (n !== undefined) {
        if (t !== undefined && ukCompaniesHouse.includes(t)) {
          const padded = /^\d{1,7}$/.test(n) ? n.padStart(8, '0') : n;
          if (/^(\d{8}|[A-Z]{2}\d{6})$/.test(padded)) out['company-number'] = padded;
          else issue('company-number', 'syntax', `${n} is not a Companies House number (8 digits, or 2 letters and 6 digits)`);
        } else if (!/^[A-Z0-9-]{1,12}$/.test(n)) {
          issue('company-number', 'syntax', `${n} must be 1 to 12 letters, digits or hyphens`);
        }
      }
      break;
    }
    case 'se': {
      required('orgid', ' for .se and .nu contacts');
      if (out.orgid !== undefined) {
        const r = checkSwedishOrgId(out.orgid, out.organization !== undefined);
        if (r.ok) out.orgid = r.value;
        else issue('orgid', 'syntax', r.reason);
      }
      if (out.vatid !== undefined) {
        const m = /^([A-Za-z]{2})( ?)([0-9A-Za-z]{1,64})$/.exec(out.vatid);
        if (!m || m[1] !== m[1]!.toUpperCase()) issue('vatid', 'syntax', 'must be an upper-case two-letter country code, an optional space, then 1 to 64 letters or digits');
      }
      break;
    }
    case 'fi': {
      required('fname', ' for .fi contacts');
      required('lname', ' for .fi contacts');
      const fin = out['x-ficora-is-finnish']?.toLowerCase();
      if (fin === undefined) required('x-ficora-is-finnish', ' for .fi contacts');
      else if (fin !== 'yes' && fin !== 'no') issue('x-ficora-is-finnish', 'range', 'must be yes or no');
      else out['x-ficora-is-finnish'] = fin;
      const type = out['x-ficora-type']?.toLowerCase();
      if (type === undefined) required('x-ficora-type', ' for .fi contacts');
      else if (!(ficoraTypes as readonly string[]).includes(type) && !(ficoraLegacyTypes as readonly string[]).includes(type)) {
        issue('x-ficora-type', 'range', `${out['x-ficora-type']} is not one of ${ficoraTypes.join(', ')}`);
      } else out['x-ficora-type'] = type;
      if (type === 'privateperson' && fin === 'yes') {
        required('x-ficora-identity', ' for a Finnish private person');
        if (out['x-ficora-identity'] !== undefined) {
          const r = checkFinnishIdentity(out['x-ficora-identity']);
          if (r.ok) out['x-ficora-identity'] = r.value;
          else issue('x-ficora-identity', 'syntax', r.reason);
        }
      } else if (type === 'privateperson' && fin === 'no') {
        required('x-ficora-birthdate', ' for a non-Finnish private person');
        const b = out['x-ficora-birthdate'];
        if (b !== undefined && parseIsoDate(b) === undefined) issue('x-ficora-birthdate', 'syntax', `${b} is not a date YYYY-MM-DD`);
      } else if (type !== undefined && fin !== undefined) {
        required('x-ficora-registernumber', ` for x-ficora-type ${type}`);
        const n = out['x-ficora-registernumber'];
        if (n !== undefined && !/^[\p{L}\p{N}][\p{L}\p{N} ./-]{0,63}$/u.test(n)) issue('x-ficora-registernumber', 'syntax', 'must be 1 to 64 letters, digits, spaces or . / -');
      }
      const le = out['x-ficora-legalemail'];
      if (le !== undefined) {
        const e = normalizeEmail(le);
        if (e.ok) out['x-ficora-legalemail'] = e.value;
        else issue('x-ficora-legalemail', 'syntax', e.reason);
      }
      break;
    }
    case 'generic':
      break;
  }
  return issues.length ? { ok: false, issues } : { ok: true, fields: out, warnings };
}

/** The TLD-specific fields each profile keeps. */
export const profileFields: Record<ContactProfile, readonly ContactField[]> = {
  generic: [],
  eu: ['lang', 'x-eu-country-of-citizenship'],
  us: ['app-purpose', 'nexus-category', 'nexus-category-country'],
  uk: ['account-type', 'company-number'],
  se: ['orgid', 'vatid'],
  fi: ['x-ficora-type', 'x-ficora-is-finnish', 'x-ficora-registernumber', 'x-ficora-identity', 'x-ficora-birthdate', 'x-ficora-legalemail'],
};
const allProfileFields = Object.values(profileFields).flat();

/** Luhn checksum over a digit string (the last digit is the check digit). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * `.se`/`.nu` orgid: `[CC]` then the identifier. For `[SE]`, a Swedish personal or organisation
 * number `NNNNNN-NNNN` with a valid Luhn digit; without an organization it must be a personal
 * number (a birth date, or a coordination number with the day + 60).
 */
export function checkSwedishOrgId(input: string, hasOrganization: boolean): { ok: true; value: string } | { ok: false; reason: string } {
  const m = /^\[([A-Za-z]{2})\](.+)$/s.exec(input.trim());
  if (!m) return { ok: false, reason: 'must start with a two-letter ISO country code in square brackets, like [SE]556036-0793' };
  const cc = m[1]!.toUpperCase();
  const rest = m[2]!;
  const country = checkCountry(cc);
  if (!country.ok) return { ok: false, reason: `[${cc}] is not a country code (${country.reason})` };
  if (cc !== 'SE') {
    if ([...rest].length > 123) return { ok: false, reason: 'at most 123 characters may follow the country code' };
    return { ok: true, value: `[${cc}]${rest}` };
  }
  const n = /^(\d{6})-(\d{4})$/.exec(rest);
  if (!n) return { ok: false, reason: 'a Swedish number must be 6 digits, a dash and 4 digits' };
  const digits = n[1]! + n[2]!;
  if (!luhnValid(digits)) return { ok: false, reason: `${rest} fails the Swedish check digit` };
  const mm = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const personal = mm >= 1 && mm <= 12 && ((dd >= 1 && dd <= 31) || (dd >= 61 && dd <= 91));
  const organisation = mm >= 20;
  if (!personal && !organisation) return { ok: false, reason: `${rest} is neither a personal nor an organisation number` };
  if (!hasOrganization && !personal) return { ok: false, reason: `${rest} is an organisation number, but without an organization a personal number is required` };
  return { ok: true, value: `[SE]${rest}` };
}

const fiCheckChars = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const fiCentury: Record<string, number> = { '+': 1800, '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 };

/** Finnish personal identity code DDMMYYCZZZQ: a real date, a century sign (2023 set included) and the mod-31 check character. */
export function checkFinnishIdentity(input: string): { ok: true; value: string } | { ok: false; reason: string } {
  const s = input.trim().toUpperCase();
  const m = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/.exec(s);
  if (!m) return { ok: false, reason: `${input.trim()} is not a Finnish personal identity code (DDMMYY, century sign, 3 digits, check character)` };
  const [, dd, mm, yy, sign, num, check] = m;
  const year = fiCentury[sign!]! + Number(yy);
  const date = `${year}-${mm}-${dd}`;
  if (parseIsoDate(date) === undefined) return { ok: false, reason: `${s} does not start with a real date` };
  const expected = fiCheckChars[Number(`${dd}${mm}${yy}${num}`) % 31];
  if (check !== expected) return { ok: false, reason: `${s} has a wrong check character (expected ${expected})` };
  return { ok: true, value: s };
}

/** Whether a contact may own a .eu domain: resident in the EU/EEA, or an EU citizen (registry-rules §2). */
export function euEligible(fields: ContactFields, eea: ReadonlySet<string>): boolean {
  return (fields.country !== undefined && eea.has(fields.country)) || (fields['x-eu-country-of-citizenship'] !== undefined && euMembers.has(fields['x-eu-country-of-citizenship']));
}

/** Whether a contact may be the owner of a .uk domain: Nominet needs the account type (seeds: "if used as owner contact"). */
export function ukOwnerReady(fields: ContactFields): boolean {
  return fields['account-type'] !== undefined;
}
