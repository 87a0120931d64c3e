/**
 * Just enough address handling for the outbox: a plain `local@domain` check for recipients (the
 * contact rules live in core; these addresses arrive already checked or come from accounts) and the
 * domain of the configured From address, which names the Message-IDs.
 */
const plain = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/;

export function isPlainAddress(address: string): boolean {
  return address.length <= 254 && plain.test(address);
}

/** `Name <a@b.example>` or `a@b.example` → `b.example` (lowercase); `localhost` when none. */
export function addressDomain(from: string): string {
  const m = /@([^\s>]+)>?\s*$/.exec(from.trim());
  return m?.[1]?.toLowerCase() ?? 'localhost';
}
