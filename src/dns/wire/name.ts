import { EncodeError } from './types.ts';

/**
 * Domain names in presentation form (RFC 1035 §5.1) without the trailing dot: '' is the root.
 * Label bytes outside printable ASCII, and '.' or '\' inside a label, are escaped as `\DDD` / `\.`
 * so that any wire name survives decode → encode unchanged.
 */

export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;

const plain = /^[\x21-\x5b\x5d-\x7e]*$/; // printable ASCII without the backslash

/** Splits a presentation name into label bytes; throws EncodeError for empty or over-long labels. */
export function nameToLabels(name: string): Uint8Array[] {
  if (name === '' || name === '.') return [];
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  const labels: Uint8Array[] = [];
  if (plain.test(text)) {
    for (const part of text.split('.')) labels.push(Buffer.from(part, 'latin1'));
  } else {
    let bytes: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '.') {
        labels.push(Uint8Array.from(bytes));
        bytes = [];
      } else if (ch === '\\') {
        const rest = text.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(rest)) {
          const v = Number(rest);
          if (v > 255) throw new EncodeError(`escape \\${rest} in ${JSON.stringify(name)} is above 255`);
          bytes.push(v);
          i += 3;
        } else if (i + 1 < text.length) {
          bytes.push(...Buffer.from(text[i + 1]!, 'utf8'));
          i += 1;
        } else {
          throw new EncodeError(`name ${JSON.stringify(name)} ends with a lone backslash`);
        }
      } else {
        bytes.push(...Buffer.from(ch, 'utf8'));
      }
    }
    labels.push(Uint8Array.from(bytes));
  }
  let wire = 1;
  for (const l of labels) {
    if (l.length === 0) throw new EncodeError(`name ${JSON.stringify(name)} has an empty label`);
    if (l.length > MAX_LABEL) throw new EncodeError(`a label of ${JSON.stringify(name)} is ${l.length} bytes long (at most ${MAX_LABEL})`);
    wire += l.length + 1;
  }
  if (wire > MAX_NAME_WIRE) throw new EncodeError(`name ${JSON.stringify(name)} is ${wire} bytes on the wire (at most ${MAX_NAME_WIRE})`);
  return labels;
}

/** One label's bytes in presentation form. */
export function formatLabel(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return out;
}

/** Lowercases ASCII letters only: DNS compares names case-insensitively in ASCII and nowhere else. */
export function asciiLower(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

/** The canonical key of a name for maps and comparison. */
export function nameKey(name: string): string {
  const n = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  return asciiLower(n);
}

/** Whether `name` is `origin` or below it (both canonical keys). */
export function isAtOrBelow(name: string, origin: string): boolean {
  if (origin === '') return true;
  if (name === origin) return true;
  if (name.length <= origin.length + 1 || !name.endsWith(origin) || name[name.length - origin.length - 1] !== '.') return false;
  // The dot must be a separator, not an escaped '\.' inside a label.
  let slashes = 0;
  for (let i = name.length - origin.length - 2; i >= 0 && name[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}

/** Splits a presentation name into its labels, still in presentation form (escapes kept). */
export function splitName(name: string): string[] {
  if (name === '') return [];
  if (!name.includes('\\')) return name.split('.');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '\\') {
      cur += name.slice(i, i + 2);
      i += 1;
    } else if (ch === '.') {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** The parent of a canonical name ('' for a single label and for the root). */
export function parentName(name: string): string {
  if (!name.includes('\\')) {
    const i = name.indexOf('.');
    return i < 0 ? '' : name.slice(i + 1);
  }
  return splitName(name).slice(1).join('.');
}

/** How many labels a canonical name has. */
export function labelCount(name: string): number {
  return splitName(name).length;
}
