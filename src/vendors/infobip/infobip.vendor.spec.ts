import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MalformedPayloadError,
  SignatureRejectedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import type { VendorServices, WebhookRequest } from '../webhook-vendor';
import {
  INFOBIP_TEST_PASSWORD,
  INFOBIP_TEST_USERNAME,
  infobipBatch,
  infobipInboundResult,
  infobipRequest,
} from './fixtures/infobip-webhooks';
import { InfobipSettings } from './infobip.settings';
import { InfobipVendor } from './infobip.vendor';

const vendor = new InfobipVendor();
const basic = plainToInstance(InfobipSettings, {
  username: INFOBIP_TEST_USERNAME,
  password: INFOBIP_TEST_PASSWORD,
});
const none = plainToInstance(InfobipSettings, {});

/** Infobip makes no outbound call: any use of it fails the test. */
const noHttp: OutboundHttp = {
  request: () => Promise.reject(new Error('unexpected outbound call')),
};
const listed: VendorServices = { http: noHttp, sourceListed: true };
const unlisted: VendorServices = { http: noHttp, sourceListed: false };

function request(signed: { headers: Record<string, string>; body: string }): WebhookRequest {
  return {
    vendor: 'infobip',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/infobip/webhook',
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt: new Date('2026-11-23T09:00:05.000Z'),
  };
}

describe('InfobipSettings', () => {
  it('takes both credentials or neither', () => {
    expect(validateSync(basic)).toEqual([]);
    expect(validateSync(none)).toEqual([]);
    expect(
      validateSync(plainToInstance(InfobipSettings, { username: 'u' })).map((e) => e.property),
    ).toEqual(['password']);
    expect(
      validateSync(plainToInstance(InfobipSettings, { password: 'p' })).map((e) => e.property),
    ).toEqual(['username']);
  });
});

describe('InfobipVendor: authentication', () => {
  const valid = request(infobipRequest(infobipBatch([infobipInboundResult('1')])));

  it('with credentials configured, checks them whatever the source list says', () => {
    expect(() => vendor.verify(valid, basic, unlisted)).not.toThrow();
    const wrong = request(infobipRequest(infobipBatch([]), { password: 'nope' }));
    expect(() => vendor.verify(wrong, basic, listed)).toThrow(/do not match/);
    const anonymous = request(infobipRequest(infobipBatch([]), null));
    expect(() => vendor.verify(anonymous, basic, listed)).toThrow(/authorization header missing/);
  });

  it('without credentials, accepts only a request from a listed source', () => {
    const anonymous = request(infobipRequest(infobipBatch([]), null));
    expect(() => vendor.verify(anonymous, none, listed)).not.toThrow();
    expect(() => vendor.verify(anonymous, none, unlisted)).toThrow(SignatureRejectedError);
    expect(() => vendor.verify(anonymous, none, unlisted)).toThrow(
      /no credentials are configured for infobip/,
    );
  });
});

describe('InfobipVendor: results[]', () => {
  it('maps every result, adding + to the numbers', () => {
    const body = infobipBatch([infobipInboundResult('a'), infobipInboundResult('b', 'second')]);
    expect(vendor.parse(request(infobipRequest(body)))).toEqual([
      {
        vendor: 'infobip',
        messageId: 'a',
        kind: 'sms',
        from: '+385916242493',
        to: '+385921004026',
        text: 'My order never arrived',
        media: [],
        receivedAt: '2026-11-23T09:00:00.000Z',
        raw: infobipInboundResult('a'),
      },
      expect.objectContaining({ messageId: 'b', text: 'second' }),
    ]);
  });

  it('keeps a shortcode recipient as sent and stores delivery reports as statuses', () => {
    const shortcode = { ...infobipInboundResult('s'), to: '1234' };
    const report = {
      messageId: 'r',
      to: '385916242493',
      status: { groupName: 'DELIVERED' },
      doneAt: '2026-11-23T09:00:00.000+0000',
    };
    const messages = vendor.parse(request(infobipRequest(infobipBatch([shortcode, report]))));
    expect(messages).toEqual([
      expect.objectContaining({ messageId: 's', kind: 'sms', to: '1234' }),
      {
        vendor: 'infobip',
        messageId: 'r:DELIVERED',
        kind: 'status',
        from: '',
        to: '+385916242493',
        text: 'DELIVERED',
        media: [],
        receivedAt: '2026-11-23T09:00:00.000Z',
        raw: report,
      },
    ]);
  });

  it.each([
    [
      infobipBatch([infobipInboundResult('a'), { ...infobipInboundResult('b'), from: 'ACME' }]),
      UnprocessablePayloadError,
      'results[1].from is not a valid phone number',
    ],
    [
      infobipBatch([
        infobipInboundResult('a'),
        infobipInboundResult('b'),
        { ...infobipInboundResult('c'), messageId: 7 },
      ]),
      MalformedPayloadError,
      'results[2].messageId must be a string',
    ],
    [infobipBatch([null]), MalformedPayloadError, 'results[0] must be an object'],
    [{ messageCount: 0 }, MalformedPayloadError, 'results must be an array'],
  ])('refuses the whole batch %#, naming the item', (body, type, message) => {
    const signed = request(infobipRequest(body));
    expect(() => vendor.parse(signed)).toThrow(type);
    expect(() => vendor.parse(signed)).toThrow(message);
  });
});
