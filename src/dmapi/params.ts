import { z } from 'zod';
import type { ErrorKey } from './errors.ts';
import { isPlainAddress } from '../mail/address.ts';

/**
 * Shared parameter schemas. DMAPI form variables are strings; an empty value counts as absent
 * for optional parameters ("no change requested"). Messages say what is wrong; the dispatcher
 * prefixes the parameter name.
 */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * Makes a parameter optional. Absent, empty and blank values all mean "not given". Use this, not
 * `.optional()`: zod's optional only lets `undefined` *input* through, so `x.optional()` on these
 * schemas still fails for `to=` (an empty value, as the seeds' own Python example sends).
 */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** A non-empty string (trimmed). */
export const text = (max = 255) => z.preprocess(blankToUndefined, z.string().trim().max(max, `at most ${max} characters`));
export const optText = (max = 255) => optional(text(max));

/** Marks an issue with the catalogue error it stands for (default PARAM_SYNTAX). */
export const errorKey = (key: ErrorKey) => ({ params: { dmapi: key } });

/** An integer given as decimal digits, within [min, max]. */
export const int = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}`, ...errorKey('PARAM_RANGE') }),
  );
export const optInt = (min: number, max: number) => optional(int(min, max));

const truthy = new Set(['1', 'y', 'yes', 'true', 'on']);
const falsy = new Set(['0', 'n', 'no', 'false', 'off']);

/** A DMAPI flag: 1/0, Y/N, Yes/No, true/false (any case). */
export const flag = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => truthy.has(s) || falsy.has(s), 'must be 1 or 0 (or yes/no)')
      .transform((s) => truthy.has(s)),
  );
export const optFlag = () => optional(flag());

/** One of a fixed set of words (matched case-insensitively, returned as listed). */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      if (typeof b !== 'string') return b;
      return values.find((x) => x.toLowerCase() === b.trim().toLowerCase()) ?? b;
    },
    z.enum(values, { message: `must be one of ${values.join(', ')}` }),
  );

/** A DMAPI pattern (`*`, `?`; core/glob.ts) matched against `what`, which the docs name. */
export const pattern = (what: string) => optText(255).describe(`pattern matched against ${what}, see [patterns](wire.md#patterns)`);

/** An e-mail address (one `@`, a domain part), as mail delivery would take it. */
export const emailAddress = () =>
  text(254).refine((e) => isPlainAddress(e), { message: 'not an e-mail address', ...errorKey('PARAM_SYNTAX') });
