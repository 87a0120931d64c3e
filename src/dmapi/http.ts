import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Dispatcher } from './dispatch.ts';
import { DmapiError } from './errors.ts';
import { trackingIdTime } from '../core/ids.ts';

/** Large enough for a whole zone in one POST (at least 4 MiB, dmapi-wire §1.1). */
export const BODY_LIMIT = 8 * 1024 * 1024;

type Form = Record<string, string>;

/** Keeps the first value of repeated variables and drops non-string ones. */
function flatten(input: unknown): Form {
  const out: Form = {};
  if (!input || typeof input !== 'object') return out;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k] = value;
  }
  return out;
}

function cookieSid(req: FastifyRequest): string | undefined {
  const m = /(?:^|;\s*)dmapi-auth=([^;]*)/.exec(req.headers.cookie ?? '');
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1]; // not percent-encoded after all: an unknown session, not a malformed request
  }
}

/** The DMAPI listener: `ALL /request/:name`, GET query and POST urlencoded or multipart bodies. */
export async function registerDmapiRoutes(app: FastifyInstance, dispatcher: Dispatcher, serverHeader: string): Promise<void> {
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, async (req: FastifyRequest, body: Buffer) => {
    // undici's multipart parser (global Response) avoids another dependency.
    const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    const out: Form = {};
    for (const [k, v] of form.entries()) if (!(k in out)) out[k] = typeof v === 'string' ? v : await v.text();
    return out;
  });
  // Clients that POST a form without (or with another) content type still mean a form.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, async (_req: FastifyRequest, body: string) => parseQuery(body));

  const send = (reply: import('fastify').FastifyReply, text: string, trackingId: string, cookie?: string, download?: { filename: string; contentType: string }) => {
    // Date and Last-Modified show the (sandbox) clock the reply was made at: the instant the
    // Tracking-Id's FILETIME carries, as on the live server (dmapi-wire §1.5).
    const at = new Date(trackingIdTime(trackingId)).toUTCString();
    reply.code(200).header('Content-Type', download?.contentType ?? 'text/plain; charset=utf-8').header('Server', serverHeader).header('Date', at).header('Last-Modified', at);
    if (download) reply.header('Content-Disposition', `attachment; filename="${download.filename}"`);
    if (cookie) reply.header('Set-Cookie', `dmapi-auth=${cookie}; path=/`);
    return reply.send(text);
  };

  app.all('/request/*', async (req, reply) => {
    const name = (req.params as { '*': string })['*'] ?? '';
    const params = { ...flatten(req.query), ...flatten(req.body) };
    const out = await dispatcher.dispatch({ name, params, cookieSid: cookieSid(req), ip: req.ip });
    return send(reply, out.text, out.trackingId, out.cookie, out.download);
  });

  // Malformed bodies, bodies over the limit and the like still get a DMAPI answer, never a 500 page.
  app.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
    const tooLarge = err.statusCode === 413;
    const detail = tooLarge ? `request body larger than ${BODY_LIMIT} bytes` : `malformed request (${err.message ?? 'unreadable body'})`;
    req.log.warn({ err }, 'rejected malformed request');
    const out = dispatcher.failure(new DmapiError('COMMAND_FAILED', detail));
    return send(reply, out.text, out.trackingId);
  });
}
