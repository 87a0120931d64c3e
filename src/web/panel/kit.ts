import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ParsedReply } from '../../dmapi/reply.ts';
import { html, type Html } from '../html.ts';
import { forgedPost, layout } from './panel-pages.ts';
import type { PanelUser } from './panel-routes.ts';

/** What the console's page modules share: the signed-in user, DMAPI requests as that user, sending pages. */
export interface PanelKit {
  who(req: FastifyRequest): Promise<PanelUser | undefined>;
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
  toLogin(reply: FastifyReply): FastifyReply;
  /** One DMAPI request through the dispatcher (the caller puts its `auth-sid` in `params`). */
  ask(req: FastifyRequest, name: string, params: Record<string, string>): Promise<ParsedReply>;
}

/** The string fields of a posted form ('' for anything missing or not a string). */
export function formOf(req: FastifyRequest): (name: string) => string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return (name) => (typeof body[name] === 'string' ? (body[name] as string) : '');
}

/** Every value of a repeated form field (checkboxes). */
export function formList(req: FastifyRequest, name: string): string[] {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

export const queryOf = (req: FastifyRequest) => {
  const q = req.query as Record<string, string | undefined>;
  return (name: string) => (typeof q[name] === 'string' ? q[name]!.slice(0, 300) : '');
};

/** Back to a page after a post, with a one-line notice it shows (the post/redirect/get pattern). */
export const back = (reply: FastifyReply, to: string, notice: string, ok = true) =>
  reply.code(303).header('Location', `${to}${to.includes('?') ? '&' : '?'}${new URLSearchParams({ notice: notice.slice(0, 600), ...(ok ? {} : { failed: '1' }) })}`).send();

/** The notice a redirect brought: a status line, or an alert when what was asked for was refused. */
export function noticeOf(req: FastifyRequest): Html {
  const q = req.query as Record<string, string | undefined>;
  const text = typeof q.notice === 'string' ? q.notice.slice(0, 600) : '';
  if (!text) return html``;
  return q.failed === '1' ? html`<p class="error" role="alert">${text}</p>` : html`<p role="status">${text}</p>`;
}

/** The user of a page, or undefined when the reply was already sent (login form, 403 for a post without the token). */
export async function signedIn(kit: Pick<PanelKit, 'who' | 'send' | 'toLogin'>, req: FastifyRequest, reply: FastifyReply, csrf?: string): Promise<PanelUser | undefined> {
  const u = await kit.who(req);
  if (!u) {
    kit.toLogin(reply);
    return undefined;
  }
  if (csrf !== undefined && csrf !== u.csrf) {
    kit.send(reply, 403, layout('Not allowed', forgedPost, u));
    return undefined;
  }
  return u;
}

export const notFound = (kit: PanelKit, reply: FastifyReply, u: PanelUser, what: string) => kit.send(reply, 404, layout('Not found', html`<p>${what}</p>`, u));

/** A DMAPI reply in one line: the Proc-ID when accepted, else its error lines (the server's own words). */
export function outcome(r: ParsedReply, what: string): { ok: boolean; text: string } {
  if (r.get('Status-Code') === '0') {
    const proc = r.get('Proc-ID');
    const warn = r.all('Warning');
    return { ok: true, text: `${what}: accepted${proc ? ` (Proc-ID ${proc})` : ''}${warn.length ? `; ${warn.join('; ')}` : ''}` };
  }
  const errors = r.all('Error');
  return { ok: false, text: `${what}: refused (${r.get('Status-Code')} ${r.get('Status-Text') ?? ''}) ${errors.join('; ')}`.trim() };
}
