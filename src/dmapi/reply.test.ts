import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatReply, parseKeyValues, parseReply } from './reply.ts';

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
const cleanValue = fc.stringMatching(/^[^\x00-\x1f\x7f]*$/).map((s) => s.trim());

describe('reply format', () => {
  it('writes `Name: value` lines, one blank line, then the body', () => {
    assert.equal(formatReply({ headers: [['Status-Code', '0'], ['Stats-last-error', '']], body: 'a\nb' }), 'Status-Code: 0\nStats-last-error: \n\na\nb');
    assert.equal(formatReply({ headers: [['Proc-ID', '7']], body: '' }), 'Proc-ID: 7\n\n');
  });

  it('keeps header values on one line without control characters', () => {
    assert.equal(formatReply({ headers: [['Error', 'one\r\ntwo\u0000three\u001b']], body: '' }), 'Error: one two three\n\n');
    assert.equal(formatReply({ headers: [['Error', 'tab\tkept']], body: '' }), 'Error: tab\tkept\n\n');
  });

  it('parses what it formats (property), whatever the body holds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, cleanValue), { minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary' }), (headers, body) => {
        const parsed = parseReply(formatReply({ headers, body }));
        assert.deepEqual(parsed.headers, headers);
        assert.equal(parsed.body, body);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a header line without ": " and reads key: value bodies', () => {
    assert.throws(() => parseReply('Status-Code:0\n\n'), SyntaxError);
    assert.deepEqual(parseKeyValues('Completion-Status: ack\nObject-Name: a.com\n\nfree text\n'), [
      ['Completion-Status', 'ack'],
      ['Object-Name', 'a.com'],
    ]);
  });
});
