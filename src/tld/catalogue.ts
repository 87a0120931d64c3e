import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What the platform knows about one TLD it sells. */
export const tldSchema = z.object({
  tld: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/),
  handlePrefix: z.string().regex(/^[A-Z]{3,8}$/),
});
export type TldInfo = z.output<typeof tldSchema>;

export interface TldCatalogue {
  list(): readonly TldInfo[];
  get(tld: string): TldInfo | undefined;
}

const defaultPath = new URL('./tlds.json', import.meta.url);

/** Loads the catalogue (the shipped default, or an operator's file); TLDs come out sorted. */
export function loadTldCatalogue(path: string | URL = defaultPath): TldCatalogue {
  const entries = z.array(tldSchema).parse(JSON.parse(readFileSync(path, 'utf8')));
  const sorted = [...entries].sort((a, b) => a.tld.localeCompare(b.tld));
  const byName = new Map(sorted.map((t) => [t.tld, t]));
  return { list: () => sorted, get: (tld) => byName.get(tld.toLowerCase()) };
}
