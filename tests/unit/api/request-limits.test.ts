import { describe, expect, it } from '@jest/globals';
import * as z from '../../../functions/domain/zod';
import { DomainError } from '../../../functions/domain/errors';
import { HttpError, parseBody, type HttpEvent } from '../../../functions/api/http';
import { nestsDeeperThan, requestLimits } from '../../../functions/api/request-limits';

const anything = z.unknown();
const eventWith = (body: string, options: { base64?: boolean; contentType?: string } = {}) =>
  ({
    headers: { 'content-type': options.contentType ?? 'application/json' },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  }) as unknown as HttpEvent;

/** What parseBody throws for a body, as status and detail (or the value it gives). */
function outcomeOf(body: string, schema: z.ZodMiniType = anything, options: { base64?: boolean } = {}) {
  try {
    return { value: parseBody(eventWith(body, options), schema) };
  } catch (error) {
    if (error instanceof DomainError) return { status: 400, detail: error.message, errors: error.errors };
    if (error instanceof HttpError) return { status: error.status, detail: error.message };
    throw error;
  }
}

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('request body limits, checked before the schema', () => {
  it('refuses a body nested 30,000 deep with a 400, without parsing it', () => {
    const body = `{"type":"proof-of-residence","data":{"x":${nested(30_000)}}}`;
    expect(outcomeOf(body)).toMatchObject({ status: 400, detail: expect.stringContaining(`deeper than ${requestLimits.bodyDepth} levels`) });
    expect(outcomeOf(nested(30_000), z.never())).toMatchObject({ status: 400 });
  });

  it(`takes ${requestLimits.bodyDepth} levels and refuses one more, the body itself being the first`, () => {
    expect(outcomeOf(nested(requestLimits.bodyDepth))).toHaveProperty('value');
    expect(outcomeOf(nested(requestLimits.bodyDepth + 1))).toMatchObject({ status: 400 });
    let object: unknown = {};
    for (let level = 1; level < requestLimits.bodyDepth; level++) object = { a: object };
    expect(outcomeOf(JSON.stringify(object))).toHaveProperty('value');
    expect(outcomeOf(JSON.stringify({ a: object }))).toMatchObject({ status: 400 });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ reason: `he said \\"${'['.repeat(100)}" and {{{` });
    expect(nestsDeeperThan(text, 1)).toBe(false);
    expect(outcomeOf(text)).toEqual({ value: JSON.parse(text) });
  });

  it('refuses numbers beyond safe integers, infinities and vanishing fractions, naming the field', () => {
    for (const number of ['1e200', '-1e200', '9007199254740992', '1152921504606846976', '1e400', '1e-200']) {
      expect(outcomeOf(`{"name":"payment-received","data":{"amount":${number},"reference":"x"}}`)).toMatchObject({
        status: 400,
        detail: 'the body holds a number out of bounds',
        errors: [{ path: 'data.amount', message: expect.stringContaining('magnitude') }],
      });
    }
    expect(outcomeOf('[1, [2, 1e300]]')).toMatchObject({ status: 400, errors: [{ path: '1.1' }] });
    expect(outcomeOf('1e300')).toMatchObject({ status: 400, errors: [{ path: '(body)' }] });
  });

  it('takes zero, safe integers and ordinary fractions', () => {
    const body = { amount: 25.5, zero: 0, negative: -0.25, largest: Number.MAX_SAFE_INTEGER, smallest: -Number.MAX_SAFE_INTEGER, cents: 0.01, tiny: 1e-9 };
    expect(outcomeOf(JSON.stringify(body))).toEqual({ value: body });
  });

  it('refuses a body over the size limit with a 413, base64-encoded or not', () => {
    const over = JSON.stringify({ reason: 'x'.repeat(requestLimits.bodyBytes) });
    expect(outcomeOf(over)).toMatchObject({ status: 413 });
    expect(outcomeOf(over, anything, { base64: true })).toMatchObject({ status: 413 });
    const multiByte = JSON.stringify({ reason: 'é'.repeat(requestLimits.bodyBytes / 2) });
    expect(multiByte.length).toBeLessThan(requestLimits.bodyBytes);
    expect(outcomeOf(multiByte)).toMatchObject({ status: 413 });
    const under = JSON.stringify({ reason: 'x'.repeat(requestLimits.bodyBytes - 20) });
    expect(outcomeOf(under, anything, { base64: true })).toHaveProperty('value');
  });

  it('checks the limits before the schema, which sees only bodies within them', () => {
    let seen = 0;
    const counting = z.unknown().check(z.refine(() => ++seen > 0));
    outcomeOf(nested(1000), counting);
    outcomeOf('{"n":1e200}', counting);
    expect(seen).toBe(0);
    outcomeOf('{"n":1}', counting);
    expect(seen).toBe(1);
  });
});
