import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MalformedPayloadError,
  SignatureRejectedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { WebhookRequest } from '../webhook-vendor';
import { BandwidthSettings } from './bandwidth.settings';
import { BandwidthVendor } from './bandwidth.vendor';
import {
  BANDWIDTH_TEST_PASSWORD,
  BANDWIDTH_TEST_USERNAME,
  bandwidthMessageDelivered,
  bandwidthMessageReceived,
  bandwidthMmsReceived,
  bandwidthRequest,
  basicAuthorization,
} from './fixtures/bandwidth-callbacks';

const vendor = new BandwidthVendor();
const settings = plainToInstance(BandwidthSettings, {
  username: BANDWIDTH_TEST_USERNAME,
  password: BANDWIDTH_TEST_PASSWORD,
});

function request(signed: { headers: Record<string, string>; body: string }): WebhookRequest {
  return {
    vendor: 'bandwidth',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/bandwidth/webhook',
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt: new Date('2026-11-23T09:00:05.000Z'),
  };
}

describe('BandwidthSettings', () => {
  it('requires username and password; previousPassword is optional', () => {
    expect(validateSync(settings)).toEqual([]);
    const errors = validateSync(plainToInstance(BandwidthSettings, { previousPassword: '' }));
    expect(errors.map((e) => e.property).sort()).toEqual([
      'password',
      'previousPassword',
      'username',
    ]);
  });
});

describe('BandwidthVendor: Basic auth', () => {
  const valid = bandwidthRequest([bandwidthMessageReceived('m')]);

  it('accepts the configured credentials, and the previous password during a switch-over', () => {
    expect(() => vendor.verify(request(valid), settings)).not.toThrow();
    const rotating = plainToInstance(BandwidthSettings, {
      ...settings,
      password: 'new',
      previousPassword: BANDWIDTH_TEST_PASSWORD,
    });
    expect(() => vendor.verify(request(valid), rotating)).not.toThrow();
  });

  it.each([
    ['a wrong password', basicAuthorization(BANDWIDTH_TEST_USERNAME, 'nope'), /do not match/],
    ['a wrong username', basicAuthorization('someone', BANDWIDTH_TEST_PASSWORD), /do not match/],
    ['a bearer token', 'Bearer abc', /not Basic credentials/],
    [
      'no password part',
      `Basic ${Buffer.from(BANDWIDTH_TEST_USERNAME).toString('base64')}`,
      /do not match/,
    ],
  ])('rejects %s', (_label, authorization, message) => {
    const headers = { ...valid.headers, authorization };
    expect(() => vendor.verify(request({ ...valid, headers }), settings)).toThrow(message);
  });

  it('rejects a request without credentials', () => {
    expect(() =>
      vendor.verify(
        request({ ...valid, headers: { 'content-type': 'application/json' } }),
        settings,
      ),
    ).toThrow(SignatureRejectedError);
  });
});

describe('BandwidthVendor: callbacks', () => {
  it('maps a batch: each message-received one message, delivery reports as status', () => {
    const items = [
      bandwidthMessageReceived('a'),
      bandwidthMmsReceived('b'),
      bandwidthMessageDelivered('c'),
    ];
    const messages = vendor.parse(request(bandwidthRequest(items)));
    expect(messages).toEqual([
      {
        vendor: 'bandwidth',
        messageId: 'a',
        kind: 'sms',
        from: '+14158675309',
        to: '+14155552671',
        text: 'My order never arrived',
        media: [],
        receivedAt: '2026-11-23T09:00:00.000Z',
        raw: items[0],
      },
      expect.objectContaining({
        messageId: 'b',
        kind: 'mms',
        media: [
          { url: 'https://messaging.bandwidth.com/api/v2/users/9900000/media/b/0/image.jpg' },
        ],
      }),
      expect.objectContaining({
        messageId: 'c:message-delivered',
        kind: 'status',
        from: '+14155552671',
        text: 'ok',
      }),
    ]);
  });

  it('skips callback types it does not know and accepts an empty batch', () => {
    const other = { ...bandwidthMessageReceived('x'), type: 'message-read' };
    expect(vendor.parse(request(bandwidthRequest([other])))).toEqual([]);
    expect(vendor.parse(request(bandwidthRequest([])))).toEqual([]);
  });

  it.each([
    [
      [
        bandwidthMessageReceived('a'),
        { ...bandwidthMessageReceived('b'), message: { from: '+14158675309' } },
      ],
      MalformedPayloadError,
      '[1].message.id missing',
    ],
    [
      [bandwidthMessageReceived('a'), bandwidthMessageReceived('b'), 'text'],
      MalformedPayloadError,
      '[2] must be an object',
    ],
    [
      [{ ...bandwidthMessageReceived('a'), type: undefined }],
      MalformedPayloadError,
      '[0].type missing',
    ],
    [
      [
        bandwidthMessageReceived('a'),
        { ...bandwidthMessageReceived('b'), message: { id: 'b', from: 'ACME' } },
      ],
      UnprocessablePayloadError,
      '[1].message.from is not a valid phone number',
    ],
    [
      [{ ...bandwidthMmsReceived('m'), message: { id: 'm', from: '+14158675309', media: 'x' } }],
      MalformedPayloadError,
      '[0].message.media must be an array',
    ],
  ])('refuses the whole batch %#, naming the item', (items, type, message) => {
    const signed = request(bandwidthRequest(items));
    expect(() => vendor.parse(signed)).toThrow(type);
    expect(() => vendor.parse(signed)).toThrow(message);
  });

  it('refuses a body that is not an array', () => {
    const signed = request({
      ...bandwidthRequest([]),
      body: JSON.stringify(bandwidthMessageReceived('a')),
    });
    expect(() => vendor.parse(signed)).toThrow('JSON body must be an array');
  });
});
