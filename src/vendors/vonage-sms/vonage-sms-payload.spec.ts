import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  vonageBinarySms,
  vonageConcatPart,
  vonageDeliveryReceipt,
  vonageInboundSms,
  omit,
} from './fixtures/vonage-sms-payloads';
import { parseVonageSmsPayload, vonageSmsTime } from './vonage-sms-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');

function form(params: Readonly<Record<string, string>>) {
  return {
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
    contentType: 'application/x-www-form-urlencoded',
    receivedAt,
  };
}

function json(body: unknown) {
  return {
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    contentType: 'application/json',
    receivedAt,
  };
}

function failure(request: Parameters<typeof parseVonageSmsPayload>[0]): GatewayError {
  return thrownBy(() => parseVonageSmsPayload(request), GatewayError);
}

describe('parseVonageSmsPayload', () => {
  it('turns an inbound text into one sms message with E.164 numbers', () => {
    const params = vonageInboundSms('0A0000000123ABCD1');
    const messages = parseVonageSmsPayload(form(params));
    expect(messages).toEqual([
      {
        vendor: 'vonage-sms',
        messageId: '0A0000000123ABCD1',
        kind: 'sms',
        from: '+14843472194',
        to: '+13239877404',
        text: 'My order #1042 never arrived',
        media: [],
        receivedAt: '2025-05-01T12:00:00.000Z',
        raw: params,
      },
    ]);
    expect(() => assertValidMessages('vonage-sms', messages)).not.toThrow();
  });

  it('reads the same message from a POST-JSON body', () => {
    const params = vonageInboundSms('0A0000000123ABCD1');
    expect(parseVonageSmsPayload(json(params))).toEqual(parseVonageSmsPayload(form(params)));
  });

  it('signs numbers and booleans of a JSON body as text, and skips nulls', () => {
    const [message] = parseVonageSmsPayload(
      json({ ...vonageInboundSms('0A01'), timestamp: 1746100800, concat: false, udh: null }),
    );
    expect(message.raw).toMatchObject({ timestamp: '1746100800', concat: 'false' });
    expect(message.raw).not.toHaveProperty('udh');
  });

  it('stores each part of a concatenated SMS as its own message, labelled', () => {
    const parts = [1, 2, 3].map(
      (part) =>
        parseVonageSmsPayload(form(vonageConcatPart(`0A0${part}`, part, `piece ${part}`)))[0],
    );
    expect(parts.map((m) => m.messageId)).toEqual(['0A01', '0A02', '0A03']);
    expect(parts.map((m) => m.text)).toEqual([
      '[part 1/3] piece 1',
      '[part 2/3] piece 2',
      '[part 3/3] piece 3',
    ]);
    expect(parts[1].raw).toMatchObject({ 'concat-ref': '2264', 'concat-part': '2' });
  });

  it('refuses a concatenated part without a usable position', () => {
    const outside = failure(form({ ...vonageConcatPart('0A01', 1, 'x'), 'concat-part': '4' }));
    expect(outside).toBeInstanceOf(UnprocessablePayloadError);
    expect(outside.extensions).toEqual({ field: 'concat-part' });
    const notCount = failure(form({ ...vonageConcatPart('0A01', 1, 'x'), 'concat-total': 'x' }));
    expect(notCount.extensions).toEqual({ field: 'concat-total' });
    const noRef = omit(vonageConcatPart('0A01', 1, 'x'), 'concat-ref');
    expect(failure(form(noRef))).toBeInstanceOf(MalformedPayloadError);
  });

  it('keeps a binary SMS in raw with a line saying so', () => {
    const [message] = parseVonageSmsPayload(form(vonageBinarySms('0A01')));
    expect(message.text).toBe('[binary SMS: data and udh are kept in the payload]');
    expect(message.raw).toMatchObject({ data: '48656c6c6f', udh: '050003cc0201' });
  });

  it('turns a delivery receipt into a status per message and status', () => {
    const delivered = parseVonageSmsPayload(form(vonageDeliveryReceipt('0B01')))[0];
    const failed = parseVonageSmsPayload(form(vonageDeliveryReceipt('0B01', 'failed')))[0];
    expect(delivered).toMatchObject({
      kind: 'status',
      messageId: '0B01:delivered',
      from: '13239877404',
      to: '+14843472194',
      text: '',
      receivedAt: '2025-05-01T12:01:00.000Z',
    });
    expect(failed.messageId).toBe('0B01:failed');
  });

  it('keeps an alphanumeric sender id of a receipt as sent', () => {
    const [status] = parseVonageSmsPayload(form({ ...vonageDeliveryReceipt('0B01'), to: 'ACME' }));
    expect(status.from).toBe('ACME');
    expect(() => assertValidMessages('vonage-sms', [status])).not.toThrow();
  });

  it('keeps a short code recipient as sent', () => {
    const [message] = parseVonageSmsPayload(form({ ...vonageInboundSms('0A01'), to: '88222' }));
    expect(message.to).toBe('88222');
  });

  it('refuses a missing messageId with 400 and a malformed one with 422', () => {
    const noId = omit(vonageInboundSms('x'), 'messageId');
    const missing = failure(form(noId));
    expect(missing).toBeInstanceOf(MalformedPayloadError);
    expect(missing.message).toBe('messageId missing');
    const bad = failure(form(vonageInboundSms('0A 01')));
    expect(bad).toBeInstanceOf(UnprocessablePayloadError);
    expect(bad.extensions).toEqual({ field: 'messageId' });
  });

  it.each([['ACME'], ['12'], ['+15558675310'], ['call 14843472194']])(
    'refuses a sender %j with 422 naming msisdn',
    (msisdn) => {
      const error = failure(form({ ...vonageInboundSms('0A01'), msisdn }));
      expect(error).toBeInstanceOf(UnprocessablePayloadError);
      expect(error.message).toBe('msisdn is not a valid phone number');
    },
  );

  it('refuses an unknown type, a repeated parameter, nested JSON and an empty body', () => {
    expect(failure(form({ ...vonageInboundSms('0A01'), type: 'mms' })).extensions).toEqual({
      field: 'type',
    });
    const repeated = form(vonageInboundSms('0A01'));
    repeated.rawBody = Buffer.concat([repeated.rawBody, Buffer.from('&msisdn=14155550100')]);
    expect(failure(repeated).message).toBe('msisdn appears more than once');
    expect(failure(json({ ...vonageInboundSms('0A01'), text: { a: 1 } })).message).toBe(
      'text must be a string, not an object',
    );
    expect(failure(form({})).message).toBe('body has no parameters');
    expect(failure(json('{"messageId": ')).message).toBe('body is not valid JSON');
  });

  it('stores a __proto__ parameter as data', () => {
    const request = form(vonageInboundSms('0A01'));
    request.rawBody = Buffer.concat([request.rawBody, Buffer.from('&__proto__=x')]);
    const [message] = parseVonageSmsPayload(request);
    expect(Object.getPrototypeOf(message.raw)).toBe(Object.prototype);
    expect(Object.hasOwn(message.raw as object, '__proto__')).toBe(true);
  });
});

describe('vonageSmsTime', () => {
  it.each([
    ['2013-11-21 15:27:30', '2013-11-21T15:27:30.000Z'],
    ['2013-11-21T15:27:30', receivedAt.toISOString()],
    ['2013-13-41 15:27:30', receivedAt.toISOString()],
    [undefined, receivedAt.toISOString()],
  ])('%j → %j (UTC, not local time)', (value, expected) => {
    expect(vonageSmsTime(value, receivedAt)).toBe(expected);
  });
});
