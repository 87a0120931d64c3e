import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { trackingId } from '../core/ids.ts';
import { answerKinds, type AnswerKind, type AnswerPrompt } from './answer-kinds.ts';
import { html, page, type Html } from './html.ts';

/**
 * The answer pages: `GET /answer/<kind>/<key>` shows what is asked with two buttons, which
 * `POST` back to the same address. Only the POST changes anything, so a mail scanner that
 * fetches every link answers nothing. The key in the address is the only credential.
 */
export async function registerAnswerPages(http: FastifyInstance, deps: AppDeps, kinds: readonly AnswerKind[] = answerKinds): Promise<void> {
  const byName = new Map(kinds.map((k) => [k.kind, k]));

  await http.register(async (scope) => {
    const send = (reply: FastifyReply, status: number, title: string, body: Html) =>
      reply
        .code(status)
        .header('Content-Type', 'text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        .header('X-Frame-Options', 'DENY')
        .header('X-Content-Type-Options', 'nosniff')
        // The key is in the address: never hand it to another site.
        .header('Referrer-Policy', 'no-referrer')
        .send(page(title, body));
    const paragraphs = (list: string[]) => list.map((p) => html`<p>${p}</p>\n`);
    const invalid = (reply: FastifyReply) => send(reply, 404, 'Link not valid', html`<p>This link is not valid, or the question it asked has been answered, withdrawn or has expired.</p>\n`);

    // Anything unexpected still gets a page (and a log line), never a stack trace.
    scope.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
      const id = trackingId(deps.clock.now());
      const client = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500;
      if (client) req.log.warn({ err, trackingId: id }, 'bad answer-page request');
      else deps.log.error({ err, trackingId: id }, 'answer page failed');
      return send(reply, client ? err.statusCode! : 500, 'Something went wrong', html`<p>The answer could not be processed. Reference: ${id}</p>\n`);
    });

    const lookup = (params: unknown) => {
      const { kind, key } = params as { kind: string; key: string };
      const k = byName.get(kind);
      return k && /^[A-Za-z0-9_-]{1,100}$/.test(key) ? { k, key } : undefined;
    };

    function form(action: string, prompt: AnswerPrompt): Html {
      const choice = prompt.choice && !prompt.cannotAccept
        ? html`<label>${prompt.choice.label}: <select name="${prompt.choice.name}">${prompt.choice.options.map((o) => html`<option value="${o}">${o}</option>`)}</select></label>\n`
        : html``;
      const yes = prompt.cannotAccept ? html`` : html`<button class="yes" type="submit" name="answer" value="yes">${prompt.yes}</button>`;
      const note = prompt.cannotAccept ? html`<p class="note">${prompt.cannotAccept}</p>\n` : html``;
      if (!prompt.no) return note;
      return html`${note}<form method="post" action="${action}">\n${choice}${yes}<button class="no" type="submit" name="answer" value="no">${prompt.no}</button>\n</form>\n`;
    }

    scope.get('/answer/:kind/:key', async (req, reply) => {
      const found = lookup(req.params);
      if (!found) return invalid(reply);
      await deps.syncClock();
      const prompt = await found.k.prompt(deps.db, found.key, deps.clock.now(), deps);
      if (!prompt) return invalid(reply);
      const action = `/answer/${encodeURIComponent(found.k.kind)}/${encodeURIComponent(found.key)}`;
      return send(reply, 200, prompt.title, html`${paragraphs(prompt.paragraphs)}${form(action, prompt)}`);
    });

    scope.post('/answer/:kind/:key', async (req, reply) => {
      const found = lookup(req.params);
      if (!found) return invalid(reply);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
      const answer = fields['answer'];
      if (answer !== 'yes' && answer !== 'no') return send(reply, 400, 'No answer', html`<p>Please press one of the buttons on the page.</p>\n`);
      await deps.syncClock();
      const now = deps.clock.now();
      try {
        const done = await deps.db.transaction().execute((db) => found.k.answer({ db, now, deps }, found.key, answer, fields));
        deps.wake(); // mails the answer caused go out now, not at the next poll
        return send(reply, 200, done.title, html`${paragraphs(done.paragraphs)}`);
      } catch (err) {
        if (!(err instanceof DmapiError)) throw err;
        const status = err.key === 'OBJECT_NOT_FOUND' ? 404 : err.key === 'INTERNAL' ? 500 : 409;
        return send(reply, status, 'Answer not taken', html`${paragraphs([...err.details])}`);
      }
    });
  });
}
