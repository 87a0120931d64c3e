import { parseReply, parseKeyValues, type ParsedReply } from '../dmapi/reply.ts';
import type { RequestName } from './request-names.ts';

export type Params = Record<string, string | number | boolean | undefined>;

export interface DmapiReply extends ParsedReply {
  /** Status-Code as a number. */
  code: number;
  ok: boolean;
  errors: string[];
}

export class DmapiRequestError extends Error {
  readonly reply: DmapiReply;
  constructor(name: string, reply: DmapiReply) {
    super(`${name}: ${reply.code} ${reply.get('Status-Text') ?? ''}${reply.errors.length ? ` (${reply.errors.join('; ')})` : ''}`);
    this.reply = reply;
  }
}

/**
 * A small DMAPI client over fetch. It carries no server code: request names come from the
 * generated `request-names.ts`, replies are parsed with the server's own reply parser.
 */
export class DmapiClient {
  private sid: string | undefined;
  private readonly base: string;
  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  get authSid(): string | undefined {
    return this.sid;
  }

  /** Posts one request as a form; the session id, once known, is sent along. */
  async call(name: RequestName, params: Params = {}): Promise<DmapiReply> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, String(v === true ? 1 : v === false ? 0 : v));
    if (this.sid && name !== 'login' && !form.has('auth-sid')) form.set('auth-sid', this.sid);
    const res = await fetch(`${this.base}/request/${name}`, { method: 'POST', body: form });
    const parsed = parseReply(await res.text());
    const code = Number(parsed.get('Status-Code'));
    return { ...parsed, code, ok: code === 0, errors: parsed.all('Error') };
  }

  /** Like call, but throws DmapiRequestError unless Status-Code is 0. */
  async request(name: RequestName, params: Params = {}): Promise<DmapiReply> {
    const reply = await this.call(name, params);
    if (!reply.ok) throw new DmapiRequestError(name, reply);
    return reply;
  }

  async login(credentials: { username: string; password: string } | { apiKey: string }): Promise<DmapiReply> {
    const reply = await this.request('login', 'apiKey' in credentials ? { 'api-key': credentials.apiKey } : credentials);
    this.sid = reply.get('Auth-Sid');
    return reply;
  }

  async logout(): Promise<void> {
    await this.request('logout');
    this.sid = undefined;
  }

  /**
   * Polls result-retrieve until the request behind `procId` is no longer `?`; `step` runs between
   * polls (a test drives the worker or moves the clock there; a script sleeps).
   */
  async waitForResult(procId: string, step: () => Promise<void>, attempts = 50): Promise<Record<string, string> & { text: string }> {
    for (let i = 0; i < attempts; i++) {
      const reply = await this.request('result-retrieve', { 'proc-id': procId });
      const cut = reply.body.indexOf('\n\n');
      const keys = Object.fromEntries(parseKeyValues(cut < 0 ? reply.body : reply.body.slice(0, cut)));
      if (keys['Completion-Status'] && keys['Completion-Status'] !== '?') return { ...keys, text: cut < 0 ? '' : reply.body.slice(cut + 2) };
      await step();
    }
    throw new Error(`result ${procId} still pending after ${attempts} polls`);
  }
}
