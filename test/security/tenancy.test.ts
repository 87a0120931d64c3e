import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp, type TestReply } from '../helpers/harness.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import type { Command } from '../../src/dmapi/command.ts';
import { buildWorld, changes, digest, malformed, type Tenant, type World } from './world.ts';
import { missingTenant, objectKinds, objectValue, sample, type ObjectKind } from './samples.ts';

/**
 * The tenancy matrix, for every request of the command table and every kind of object it can
 * name: the attacker naming the victim's object gets exactly the answer it gets for an object
 * nobody has (after the names are set aside), and the victim's state does not change. Requests
 * that may name others' objects by design (availability, a transfer from the holder) declare why
 * (`othersObjects`); for them two other tenants' objects must look alike.
 */
const kinds: ObjectKind[] = ['domain', 'contact', 'host', 'procId', 'svtrid', 'cltrid', 'grantScope', 'inviteKey', 'verifyKey', 'corKey', 'email'];

/** The reply with the target's names replaced by their kind, and the per-request headers left out. */
function normalized(r: TestReply, target: Tenant): string {
  let text = [`Status-Code: ${r.get('Status-Code')}`, ...r.headers.filter(([n]) => !['Status-Code', 'Tracking-Id', 'SvTrId', 'Proc-ID', 'Account-Balance'].includes(n)).map(([n, v]) => `${n}: ${v}`), '', r.body].join('\n');
  // Longest first: a host name contains its domain.
  const names = kinds.map((k) => [k, objectValue(target, k)] as const).sort((x, y) => y[1].length - x[1].length);
  for (const [k, v] of names) {
    // Whole tokens only: a Proc-ID of 16 must not turn the 16 of a date into a placeholder.
    const escaped = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const edge = /^\d+$/.test(v) ? '[\\w.:-]' : '[0-9A-Za-z]';
    text = text.replace(new RegExp(`(?<!${edge})${escaped}(?!${edge})`, 'gi'), `<${k}>`);
  }
  return text;
}

/** Sends the request as the attacker; for an accepted async request also its final result. */
async function attempt(t: TestApp, c: Command, a: Tenant, params: Record<string, string>, target: Tenant): Promise<string> {
  const r = await t.call(c.name, { 'auth-sid': a.sid, ...params });
  assert.equal(malformed(r), undefined, `${c.name}: ${r.raw}`);
  let out = normalized(r, target);
  if (r.code === 0 && r.get('Proc-ID') && c.execution === 'async') {
    await t.work();
    const res = await t.call('result-retrieve', { 'auth-sid': a.sid, 'proc-id': r.get('Proc-ID')! });
    out += `\n--- result\n${normalized(res, target).replace(/^(Proc-ID|SvTrId|Received|Completed): .*$/gm, '')}`;
  }
  return out;
}

forEachDatabase('security: tenancy matrix', (t) => {
  let w: World;
  before(async () => {
    w = await buildWorld(t());
  });

  // Reads first, on the untouched world; requests that may act on others' objects last: their
  // legitimate traces (the attacker's own results naming the victim's domain) would show in lists.
  const rank = (c: Command) => (c.access === 'read' ? 0 : c.othersObjects ? 2 : 1);
  for (const c of commands.filter((x) => x.session === 'required').sort((x, y) => rank(x) - rank(y))) {
    for (const kind of objectKinds(c)) {
      it(`${c.name}: another reseller's ${kind} answers like a missing one and stays as it was`, async () => {
        const { a, b } = w;
        const other = c.othersObjects ? w.c : missingTenant(b);
        const untouched = await digest(t(), { accountId: a.id });
        const cross = await attempt(t(), c, a, sample(c, a, { tenant: b, kind }), b);
        assert.ok(!/^Status-Code: 200[345]$/m.test(cross), `${c.name}: the suite's parameters are incomplete (declare an example):\n${cross}`);
        if (!c.othersObjects) assert.equal(changes(untouched, await digest(t(), { accountId: a.id })), '', `${c.name} changed another reseller's state`);
        const missing = await attempt(t(), c, a, sample(c, a, { tenant: other, kind }), other);
        assert.equal(cross, missing, `${c.name} tells another reseller's ${kind} from ${c.othersObjects ? "a third reseller's" : 'a missing one'}`);
      });
    }
  }
});
