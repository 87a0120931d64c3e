import type { FastifyRequest } from 'fastify';

/**
 * The form variables of a DynDNS/SVC request, query string and urlencoded body together, names
 * lowercased, every value of a repeated name kept in order (`value=a&value=b`).
 */
export function formValues(req: FastifyRequest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (source: unknown) => {
    if (!source || typeof source !== 'object') return;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const list = out.get(k.toLowerCase()) ?? [];
      for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string') list.push(item);
      out.set(k.toLowerCase(), list);
    }
  };
  add(req.query);
  add(req.body);
  return out;
}

/** The first value of each name, for the requests that take single values. */
export const firstValues = (form: Map<string, string[]>): Record<string, string | undefined> => Object.fromEntries([...form].map(([k, v]) => [k, v[0]]));
