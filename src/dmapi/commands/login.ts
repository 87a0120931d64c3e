import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optFlag, optText } from '../params.ts';
import { createSession, resolveApiKeyCounted } from '../sessions.ts';
import { findAccountByUsername } from '../../services/accounts.ts';
import { countedAttempt, passwordKeys, retryText, type Throttled } from '../../services/auth-throttle.ts';
import { verifyPasswordTimed } from '../../core/password.ts';
import { formatAmount } from '../../core/money.ts';
import { loginStamp } from '../../core/dates.ts';
import type { Account, Scope } from '../../db/schema.ts';
import type { HeaderList } from '../reply.ts';

const accessWord: Record<Scope, string> = { full: '@full', 'read-only': '@read-only', 'modify-only': '@modify-only' };

export const login = defineCommand({
  name: 'login',
  summary: 'Open a session with username and password, or with an API key; answers Auth-Sid and the TLD list.',
  access: 'read',
  session: 'none',
  execution: 'sync',
  params: z
    .object({ username: optText(), password: z.string().optional(), 'api-key': optText(), prefixes: optFlag() })
    .refine((p) => p['api-key'] !== undefined || (p.username !== undefined && p.password !== undefined), {
      message: "missing parameter 'username' and 'password', or 'api-key'",
      params: { dmapi: 'PARAM_MISSING' },
    }),
  errors: ['AUTH_FAILED', 'LOGIN_THROTTLED'],
  notes:
    'With `prefixes=1` the body lists `tld<TAB>contact-handle-prefix` instead. Failed logins are counted per account (its login name and e-mail ' +
    'address alike) and address: ten within 15 minutes (`DMAPID_LOGIN_FAILURE_LIMIT`) block that account from that address, a hundred block the ' +
    'account from everywhere, and fifty failed logins or wrong API keys from one address block that address; the error says when to try again. ' +
    'See docs/security.md.',
  async run(ctx, p) {
    const { db, now, ip, deps } = ctx;
    const limit = deps.config.loginFailureLimit;
    const throttled = (t: Throttled) => new DmapiError('LOGIN_THROTTLED', retryText(t, now));

    let account: Account | undefined;
    let scope: Scope = 'full';
    let keyId: number | null = null;
    if (p['api-key'] !== undefined) {
      const k = await resolveApiKeyCounted(db, p['api-key'], ip, now, limit);
      if ('throttled' in k) throw throttled(k.throttled);
      if (!k.found) throw new DmapiError('AUTH_FAILED', 'API key is invalid');
      ({ account, scope, keyId } = k.found);
    } else {
      // Counted per account, whichever of its names was typed; unknown names count under the name.
      const found = await findAccountByUsername(db, p.username!);
      const keys = passwordKeys(found ? { accountId: found.id } : { name: p.username! }, ip, limit);
      // A missing account or password is checked against a dummy hash: the same time either way.
      const attempt = await countedAttempt(db, keys, now, async () => (await verifyPasswordTimed(found?.password_hash, p.password!)) && found?.status === 'active');
      if (attempt.throttled) throw throttled(attempt.throttled);
      if (!attempt.ok || !found) {
        if (found) await db.updateTable('accounts').set({ last_error: 'login failed', last_error_ip: ip }).where('id', '=', found.id).execute();
        throw new DmapiError('AUTH_FAILED', 'invalid username or password');
      }
      account = found;
    }

    const sid = await createSession(db, { accountId: account.id, scope, apiKeyId: keyId, ip, now });
    await db.updateTable('accounts').set({ last_login_at: now, last_login_ip: ip }).where('id', '=', account.id).execute();
    const [domains, autorenew] = await Promise.all([
      db.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow(),
      db.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).where('autorenew', '=', 1).executeTakeFirstOrThrow(),
    ]);
    const money = (n: number) => formatAmount(n, account.currency);
    const started = process.hrtime.bigint();
    const headers: HeaderList = [
      ['UID', String(account.id)],
      ['User-Login', account.login],
      ['Auth-Sid', sid],
      ['Session-Timeout', String(deps.config.sessionTimeout)],
      ['User-Access', accessWord[scope]],
      ['Account-currency', account.currency],
      ['Account-balance', money(account.balance - account.reserved)],
      ['Account-pending_amount', money(account.reserved)],
      ['Account-rebate', (account.rebate_bp / 100).toFixed(2)],
      ['Account-contract_date', account.contract_date],
      ['Stats-number-of-domains', String(Number(domains.n))],
      ['Stats-last-login', account.last_login_at ? loginStamp(account.last_login_at) : ''],
      ['Stats-last-ip', account.last_login_ip ?? ''],
      ['Stats-last-error', account.last_error ?? ''],
      ['Stats-last-error-ip', account.last_error_ip ?? ''],
      ['Stats-number-of-autorenew', String(Number(autorenew.n))],
    ];
    const tlds = deps.tlds.list();
    const body = tlds.map((t) => (p.prefixes ? `${t.tld}\t${t.handlePrefix}` : t.tld)).join('\n') + '\n';
    const spent = Number(process.hrtime.bigint() - started) / 1e9;
    headers.unshift(['Timing', `${spent.toFixed(6)}/${spent.toFixed(6)} 100.000%`]);
    return { headers, body };
  },
});
