import { ProblemCode } from './gateway-error';
import {
  decodeReferenceId,
  formatReferenceId,
  INSTANCE_ID,
  REASONS,
  reasonOf,
  referenceIdFor,
  requestIdGenerator,
} from './reference-id';
import { lookUpReference } from './reference-lookup';

describe('reference ids', () => {
  it('decodes the seed’s example: reason 18, instance, time', () => {
    expect(decodeReferenceId('18.4c96df17.1644609140.2a155db')).toEqual({
      reason: 18,
      reasonText: 'blocked by an inbound allow rule',
      instance: '4c96df17',
      at: 1644609140,
      request: '2a155db',
      time: '2022-02-11T19:52:20.000Z',
    });
  });

  it('round-trips what a request produces, with the counter of its request id', () => {
    const next = requestIdGenerator();
    next();
    const requestId = next();
    expect(requestId).toBe(`${INSTANCE_ID}00000002`);
    const id = referenceIdFor(203, requestId, new Date('2026-11-23T10:00:00Z'));
    expect(id).toBe(`203.${INSTANCE_ID}.1795428000.2`);
    expect(decodeReferenceId(id)).toMatchObject({
      reason: 203,
      reasonText: 'vendor signature or credentials rejected',
      request: '2',
    });
    expect(formatReferenceId(decodeReferenceId(id)!)).toBe(id);
  });

  it('gives every problem code a documented reason, and the seed’s where they mean the same', () => {
    for (const code of Object.values(ProblemCode)) {
      expect(REASONS[reasonOf(code)]).toEqual(expect.any(String));
    }
    expect(reasonOf(ProblemCode.SourceNotAllowed)).toBe(18);
    expect(reasonOf(ProblemCode.UpstreamTimeout)).toBe(1);
    const reasons = Object.values(ProblemCode).map(reasonOf);
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it.each(['', 'x', '18.4c96df17.1644609140', '18.zz96df17.1644609140.2a', '18.4c96df17.abc.2a'])(
    'refuses %j as a reference id',
    (text) => {
      expect(decodeReferenceId(text)).toBeUndefined();
    },
  );

  it('finds the reference’s line among log lines, skipping other and non-JSON lines', () => {
    const id = '18.4c96df17.1644609140.2a155db';
    const mine = { level: 40, referenceId: id, path: '/vendors/twilio/webhook', rule: 2 };
    const found = lookUpReference(id, [
      '> npm run start',
      JSON.stringify({ level: 30, msg: 'started' }),
      JSON.stringify(mine),
      `{"broken": "${id}`,
      JSON.stringify({ referenceId: '18.4c96df17.1644609140.2a155dc' }),
    ]);
    expect(found?.lines).toEqual([mine]);
    expect(lookUpReference('nope', [])).toBeUndefined();
  });
});
