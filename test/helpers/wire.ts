import assert from 'node:assert/strict';
import { parseReply, type ParsedReply } from '../../src/dmapi/reply.ts';
import { trackingIdTime } from '../../src/core/ids.ts';

/**
 * Asserts the client-parsing constraints of dmapi-wire §1.3/§1.6 on a raw reply: LF only, every
 * header line `Name: value` with exactly one space, a blank line before the body, an integer
 * Status-Code, Status-Text always, `Error:` lines if and only if the code is not 0, and
 * Tracking-Id = SvTrId (32 lowercase hex). With `now`, the Tracking-Id's FILETIME must be it.
 */
export function assertWellFormed(raw: string, now?: number): ParsedReply & { code: number } {
  assert.ok(!raw.includes('\r'), 'reply contains CR');
  const cut = raw.indexOf('\n\n');
  assert.ok(cut > 0, `reply has no blank line after the headers: ${JSON.stringify(raw.slice(0, 200))}`);
  for (const line of raw.slice(0, cut).split('\n')) {
    assert.match(line, /^[A-Za-z][A-Za-z0-9_-]*: (?:\S.*)?$/, `bad header line ${JSON.stringify(line)}`);
  }
  const reply = parseReply(raw);
  const codeText = reply.get('Status-Code');
  assert.ok(codeText !== undefined && /^-?\d+$/.test(codeText), `Status-Code ${JSON.stringify(codeText)} is not an integer`);
  const code = Number(codeText);
  assert.ok(reply.get('Status-Text'), 'Status-Text missing');
  assert.equal(reply.all('Status-Code').length, 1);
  const errors = reply.all('Error');
  if (code === 0) assert.equal(errors.length, 0, `success with Error lines: ${errors.join(' | ')}`);
  else assert.ok(errors.length > 0 && errors.every((e) => e.trim() !== ''), `failure ${code} without a non-empty Error line`);
  const tid = reply.get('Tracking-Id');
  assert.match(tid ?? '', /^[0-9a-f]{32}$/, 'Tracking-Id');
  assert.equal(reply.get('SvTrId'), tid, 'SvTrId equals Tracking-Id');
  if (now !== undefined) assert.equal(trackingIdTime(tid!), now, 'Tracking-Id carries the FILETIME of the clock');
  assert.ok(reply.get('Version'), 'Version missing');
  return Object.assign(reply, { code });
}
