import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { flag, int, oneOf, optFlag, optInt, optText, optional, text } from './params.ts';
import { paramErrors } from './dispatch.ts';

const parse = (schema: z.ZodType, value: unknown) => z.object({ x: schema }).safeParse(value === undefined ? {} : { x: value }, { reportInput: true });

describe('parameter schemas', () => {
  it('treat absent, empty and blank optional values as not given', () => {
    for (const schema of [optText(), optInt(1, 10), optFlag(), optional(oneOf(['ack', 'nack']))]) {
      for (const v of [undefined, '', '   ']) {
        const r = parse(schema, v);
        assert.ok(r.success, `${JSON.stringify(v)} should be accepted`);
        assert.equal((r.data as { x?: unknown }).x, undefined);
      }
    }
  });

  it('report an empty required value as missing (2003), naming the parameter', () => {
    for (const schema of [text(), int(1, 10), flag(), oneOf(['a', 'b'])]) {
      const r = parse(schema, '');
      assert.ok(!r.success);
      const err = paramErrors(r.error.issues);
      assert.equal(err.key, 'PARAM_MISSING');
      assert.deepEqual(err.details, ["missing parameter 'x'"]);
    }
  });

  it('parse integers within range, flags and words', () => {
    assert.equal(parse(int(1, 10), ' 7 ').data?.x, 7);
    const range = parse(int(1, 10), '11');
    assert.ok(!range.success);
    assert.equal(paramErrors(range.error.issues).key, 'PARAM_RANGE');
    assert.deepEqual(paramErrors(range.error.issues).details, ["invalid 'x' (must be between 1 and 10)"]);
    const syntax = parse(int(1, 10), '1.5');
    assert.equal(paramErrors(syntax.error!.issues).key, 'PARAM_SYNTAX');
    for (const [v, want] of [['1', true], ['Yes', true], ['on', true], ['0', false], ['N', false], ['false', false]] as const) assert.equal(parse(flag(), v).data?.x, want);
    assert.equal(paramErrors(parse(flag(), 'perhaps').error!.issues).details[0], "invalid 'x' (must be 1 or 0 (or yes/no))");
    assert.equal(parse(oneOf(['ack', 'nack']), 'NACK').data?.x, 'nack');
    assert.equal(parse(text(5), '  abc ').data?.x, 'abc');
    assert.equal(paramErrors(parse(text(5), 'abcdef').error!.issues).details[0], "invalid 'x' (at most 5 characters)");
  });
});
