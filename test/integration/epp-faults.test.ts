import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabaseOverEpp } from '../helpers/epp-registry.ts';
import { domainReseller, domainRow, money, registration, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { addMonths } from '../../src/core/period.ts';
import { registryOf } from '../../src/registry/index.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { EppBackend } from '../../src/registry/epp/client/backend.ts';

/**
 * Registry faults between dmapid's EPP backend and a registry (a fault-injecting proxy in front
 * of another dmapid's listener). Each ends with the job in the right state, the name registered
 * or renewed exactly once at the registry, and the money matching what was done.
 */
forEachDatabaseOverEpp(
  'EPP faults',
  (p) => {
    let alice: DomainReseller;
    const t = () => p().client;
    const db = () => t().app.deps.db;
    const jobOf = (procId: string) => db().selectFrom('jobs').selectAll().where('result_id', '=', Number(procId)).executeTakeFirstOrThrow();
    const resultOf = async (procId: string) => (await db().selectFrom('results').select(['status', 'content']).where('id', '=', Number(procId)).executeTakeFirstOrThrow());
    const orders = (name: string) => db().selectFrom('orders').select(['type', 'status']).where('identifier', '=', name).where('status', '=', 'ok').orderBy('id').execute();
    /** The registry's own count of registrations of a name (its simulator's table). */
    const atRegistry = (name: string) => p().registry.app.deps.db.selectFrom('registry_domains').select(['expires_at']).where('name', '=', name).execute();
    const register = async (name: string) => {
      const r = await t().call('domain-register', registration(alice, name));
      assert.equal(r.code, 0, r.raw);
      return r.get('Proc-ID')!;
    };
    /** Runs due jobs after moving both clocks past the job's next run. */
    const later = async (procId: string) => {
      const j = await jobOf(procId);
      if (j.run_at > t().clock.now()) p().advance(j.run_at - t().clock.now());
      await t().work();
    };
    const settled = async (procId: string, name: string, type: 'create' | 'renew') => {
      const r = await resultOf(procId);
      assert.equal(r.status, 'ack', r.content ?? '');
      assert.equal((await orders(name)).filter((o) => o.type === type).length, 1, `one ${type} charged`);
      assert.equal((await money(t(), alice.id)).reserved, 0, 'nothing left reserved');
      assert.equal((await atRegistry(name)).length, 1, 'registered once at the registry');
    };

    it('setup', async () => {
      alice = await domainReseller(t(), 'faulty', { balance: 1_000_000 });
    });

    it('connection closed after the registry got the create: the retry finds it registered and books it once', async () => {
      p().proxy.inject({ match: 'domain:create', kind: 'close-after' });
      const proc = await register('fault-cut-after.com');
      await t().work();
      const j = await jobOf(proc);
      assert.deepEqual([j.status, j.attempts], ['queued', 1]);
      assert.match(j.last_error ?? '', /closed|connection/);
      assert.equal((await atRegistry('fault-cut-after.com')).length, 1, 'the registry did register it');
      assert.equal((await resultOf(proc)).status, '?');
      await later(proc);
      await settled(proc, 'fault-cut-after.com', 'create');
      const frames = await db().selectFrom('registry_frames').select(['command', 'result_code']).where('job_id', '=', j.id).orderBy('id').execute();
      assert.deepEqual(frames[0], { command: 'domain:create', result_code: null }, 'the lost exchange is on file, without an answer');
      assert.ok(!frames.slice(1).some((f) => f.command === 'domain:create'), 'the retry did not create again');
    });

    it('connection closed before the command reached the registry: the retry creates it', async () => {
      p().proxy.inject({ match: 'domain:create', kind: 'close-before' });
      const proc = await register('fault-cut-before.com');
      await t().work();
      assert.equal((await atRegistry('fault-cut-before.com')).length, 0);
      await later(proc);
      await settled(proc, 'fault-cut-before.com', 'create');
    });

    it('a 2400 answer is retried (checking first), not turned into a nack', async () => {
      await register('fault-renew.com');
      await t().work();
      const before = (await domainRow(t(), 'fault-renew.com'))!.expires_at;
      p().proxy.inject({ match: 'domain:renew', kind: 'answer', code: 2400 });
      const r = await t().call('domain-renew', { 'auth-sid': alice.sid, domain: 'fault-renew.com', period: 12 });
      assert.equal(r.code, 0, r.raw);
      const proc = r.get('Proc-ID')!;
      await t().work();
      assert.equal((await jobOf(proc)).status, 'queued');
      assert.match((await jobOf(proc)).last_error ?? '', /2400/);
      await later(proc);
      await settled(proc, 'fault-renew.com', 'renew');
      assert.equal((await domainRow(t(), 'fault-renew.com'))!.expires_at, addMonths(before, 12), 'renewed by one year, once');
      assert.equal((await atRegistry('fault-renew.com'))[0]!.expires_at, addMonths(before, 12));
    });

    it('2502 (session limit) makes the job wait without spending an attempt', async () => {
      p().proxy.inject({ match: 'domain:create', kind: 'answer', code: 2502 });
      const proc = await register('fault-2502.com');
      await t().work();
      const j = await jobOf(proc);
      assert.deepEqual([j.status, j.attempts, j.max_attempts], ['queued', 1, 9], 'the limit grew by the attempt the wait took');
      await later(proc);
      await settled(proc, 'fault-2502.com', 'create');
    });

    it('a registry unreachable for a while: the circuit opens, the job waits, and completes once it is back', async () => {
      const backend = registryOf(t().app.deps) as unknown as EppBackend;
      const circuit = backend.pools()[0]!.circuit;
      p().proxy.down();
      const proc = await register('fault-down.com');
      const balance = await money(t(), alice.id);
      assert.ok(balance.reserved > 0, 'the price is held while the job waits');
      for (let i = 0; i < 4; i++) await later(proc);
      assert.equal(circuit.state, 'open');
      const refused = p().proxy.refused;
      await t().work();
      assert.equal(p().proxy.refused, refused, 'nothing is tried while the circuit is open');
      const waiting = await jobOf(proc);
      assert.equal(waiting.status, 'queued');
      assert.ok(waiting.max_attempts - waiting.attempts >= 7, 'waiting spent none of the attempts');
      assert.match(waiting.last_error ?? '', /unavailable/);
      assert.equal((await resultOf(proc)).status, '?');
      const check = await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'fault-check.com' });
      assert.deepEqual([check.code, check.get('Error')], [2400, 'the registry cannot be reached right now; try again later']);
      p().proxy.up();
      await later(proc);
      await settled(proc, 'fault-down.com', 'create');
      assert.equal(circuit.state, 'closed');
    });

    it('an answer that does not come in time: the retry finds the create done', async () => {
      p().proxy.inject({ match: 'domain:create', kind: 'hold' });
      const proc = await register('fault-slow.com');
      await t().work();
      const j = await jobOf(proc);
      assert.equal(j.status, 'queued');
      assert.match(j.last_error ?? '', /no answer within/);
      await later(proc);
      await settled(proc, 'fault-slow.com', 'create');
    });

    it('a session the registry dropped is replaced by a fresh login', async () => {
      const logins = p().proxy.seen.filter((c) => c === 'login').length;
      const pool = (registryOf(t().app.deps) as unknown as EppBackend).pools()[0]!;
      assert.ok(pool.size > 0);
      p().proxy.dropAll();
      // The pool notices the closed connections and lets them go (no command was on them).
      await waitFor(async () => pool.size === 0);
      const proc = await register('fault-relogin.com');
      await t().work();
      await settled(proc, 'fault-relogin.com', 'create');
      assert.ok(p().proxy.seen.filter((c) => c === 'login').length > logins);
    });
  },
  { registries: { failuresToOpen: 3, timeoutSeconds: 1 } },
);
