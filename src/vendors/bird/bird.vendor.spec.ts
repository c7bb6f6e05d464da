import 'reflect-metadata';
import { createHash, createHmac } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MalformedPayloadError,
  SignatureRejectedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { seededRandom } from '../kit/fixtures/seeded-random';
import type { WebhookRequest } from '../webhook-vendor';
import { computeBirdSignature } from './bird-signature';
import { BirdSettings } from './bird.settings';
import { BirdVendor } from './bird.vendor';
import {
  BIRD_TEST_SIGNING_KEY,
  BIRD_TEST_URL,
  birdInboundSms,
  signedBirdRequest,
} from './fixtures/signed-bird-request';

const vendor = new BirdVendor();
const settings = plainToInstance(BirdSettings, { signingKey: BIRD_TEST_SIGNING_KEY });
const at = new Date('2026-11-23T09:00:00.000Z');

function request(
  signed: { headers: Record<string, string>; body: string },
  overrides: Partial<WebhookRequest> = {},
): WebhookRequest {
  return {
    vendor: 'bird',
    method: 'POST',
    publicUrl: BIRD_TEST_URL,
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt: new Date(at.getTime() + 2_000),
    ...overrides,
  };
}

/**
 * Bird's own published sample (docs.bird.com, Node version on pastebin by a Bird engineer):
 * everything as latin1 strings, the body hash turned into a latin1 string and joined with "\n".
 * A second, independent construction to check ours against.
 */
function birdSampleSignature(key: string, timestamp: string, url: string, body: string): string {
  const checksum = createHash('sha256')
    .update(Buffer.from(body, 'latin1'))
    .digest()
    .toString('latin1');
  return createHmac('sha256', Buffer.from(key, 'latin1'))
    .update(Buffer.from([timestamp, url, checksum].join('\n'), 'latin1'))
    .digest('base64');
}

describe('computeBirdSignature', () => {
  it('agrees with Bird’s sample construction on generated ASCII keys, URLs and bodies', () => {
    const random = seededRandom(0xb12d);
    const ascii = () => random.bytes(8 + random.int(40)).toString('base64');
    for (let i = 0; i < 300; i++) {
      const key = ascii();
      const timestamp = String(1_700_000_000 + random.int(1e8));
      const url = `https://${random.pick(['a.example', 'gateway.example.com:8443'])}/vendors/bird/webhook${random.pick(['', '?x=1&y=2'])}`;
      const body = JSON.stringify({ id: ascii(), text: ascii() });
      expect(computeBirdSignature(key, timestamp, url, Buffer.from(body))).toBe(
        birdSampleSignature(key, timestamp, url, body),
      );
    }
  });
});

describe('BirdSettings', () => {
  it('requires the signing key', () => {
    expect(validateSync(settings)).toEqual([]);
    expect(validateSync(plainToInstance(BirdSettings, {})).map((e) => e.property)).toEqual([
      'signingKey',
    ]);
  });
});

describe('BirdVendor', () => {
  it('verifies and maps an sms.inbound notification', () => {
    const signed = request(signedBirdRequest(birdInboundSms('96a0b5fa'), { at }));
    expect(() => vendor.verify(signed, settings)).not.toThrow();
    expect(vendor.parse(signed)).toEqual([
      {
        vendor: 'bird',
        messageId: '96a0b5fa',
        kind: 'sms',
        from: '+31612345678',
        to: '614208aa-b153-4d5d-9989-2fddfc0ce4c3',
        text: 'Sample incoming text message',
        media: [],
        receivedAt: '2022-12-22T08:32:50.736Z',
        raw: birdInboundSms('96a0b5fa'),
      },
    ]);
  });

  it('uses the connector’s number as recipient when Bird includes it', () => {
    const event = birdInboundSms('m2');
    const payload = event.payload as Record<string, unknown>;
    const withNumber = {
      ...event,
      payload: {
        ...payload,
        receiver: { connector: { id: 'c', identifierValue: '+31970102030' } },
      },
    };
    expect(vendor.parse(request(signedBirdRequest(withNumber, { at })))[0].to).toBe('+31970102030');
  });

  it('acknowledges other events and outgoing messages without storing them', () => {
    const outgoing = birdInboundSms('o1', 'outgoing');
    const status = { ...birdInboundSms('s1'), event: 'sms.outbound' };
    for (const payload of [outgoing, status]) {
      expect(vendor.parse(request(signedBirdRequest(payload, { at })))).toEqual([]);
    }
  });

  it.each([
    [{ service: 'channels', payload: {} }, MalformedPayloadError, 'event missing'],
    [{ event: 'sms.inbound', payload: [] }, MalformedPayloadError, 'payload must be an object'],
    [
      { event: 'sms.inbound', payload: { direction: 'incoming', body: {} } },
      MalformedPayloadError,
      'payload.sender must be an object',
    ],
  ])('refuses %j', (payload, type, message) => {
    const signed = request(signedBirdRequest(payload, { at }));
    expect(() => vendor.parse(signed)).toThrow(type);
    expect(() => vendor.parse(signed)).toThrow(message);
  });

  it('refuses a sender that is no phone number with 422', () => {
    const event = birdInboundSms('x');
    const payload = event.payload as Record<string, unknown>;
    const email = {
      ...event,
      payload: {
        ...payload,
        sender: { contact: { identifierKey: 'emailaddress', identifierValue: 'a@b.example' } },
      },
    };
    expect(() => vendor.parse(request(signedBirdRequest(email, { at })))).toThrow(
      UnprocessablePayloadError,
    );
  });

  it('rejects another key, another URL, a changed body or timestamp, and a stale request', () => {
    const signed = signedBirdRequest(birdInboundSms('t'), { at });
    const reject = (candidate: WebhookRequest, message: RegExp) =>
      expect(() => vendor.verify(candidate, settings)).toThrow(message);
    reject(
      request(signedBirdRequest(birdInboundSms('t'), { at, signingKey: 'other' })),
      /signature mismatch/,
    );
    reject(request(signed, { publicUrl: `${BIRD_TEST_URL}?x=1` }), /signature mismatch/);
    reject(request({ ...signed, body: signed.body.replace('"t"', '"u"') }), /signature mismatch/);
    const later = String(Number(signed.headers['messagebird-request-timestamp']) + 1);
    reject(
      request({
        ...signed,
        headers: { ...signed.headers, 'messagebird-request-timestamp': later },
      }),
      /signature mismatch/,
    );
    reject(request(signed, { receivedAt: new Date(at.getTime() + 301_000) }), /301 s away/);
    expect(() => vendor.verify(request(signed), settings)).not.toThrow();
    expect(() => vendor.verify(request(signed), { signingKey: 'x' })).toThrow(
      SignatureRejectedError,
    );
  });
});
