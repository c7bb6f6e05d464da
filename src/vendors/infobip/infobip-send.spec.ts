import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  type OutboundSms,
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
} from '../kit/send';
import {
  type SendStandIn,
  STAND_IN_HANGING_NUMBER,
  STAND_IN_REFUSED_NUMBER,
} from '../kit/send-stand-in';
import type { WebhookRequest } from '../webhook-vendor';
import {
  INFOBIP_TEST_API_BASE_URL,
  INFOBIP_TEST_API_KEY,
  infobipSendStandIn,
} from './fixtures/infobip-send.stand-in';
import { conformance } from './fixtures/infobip.conformance';
import { InfobipSender } from './infobip-send';
import { InfobipSettings } from './infobip.settings';
import { InfobipVendor } from './infobip.vendor';

const vendor = new InfobipVendor();
const sender = new InfobipSender();
const settings = plainToInstance(InfobipSettings, {
  apiBaseUrl: INFOBIP_TEST_API_BASE_URL,
  apiKey: INFOBIP_TEST_API_KEY,
});
const sms: OutboundSms = {
  from: '+385921004026',
  to: '+385916242493',
  text: 'Your parcel left the depot this morning.',
  reference: 'b2c-thread-1234',
};

/** Another account host whose API throttles every send, as Infobip documents 429. */
const THROTTLED_HOST = 'throttled.api.infobip.com';
const throttled: SendStandIn = {
  vendor: 'infobip-throttled',
  hosts: [THROTTLED_HOST],
  env: {},
  handle: () => ({
    kind: 'refused',
    answer: {
      status: 429,
      headers: { 'retry-after': '7' },
      body: {
        requestError: {
          serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' },
        },
      },
    },
  }),
};

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => new Error('expected the send to fail'),
    (error: unknown) => error as Error,
  );
  return outcome;
}

/** A delivery from the conformance kit, as the webhook controller hands it to the vendor. */
async function parsed(delivery: { headers: Record<string, string>; body: Buffer | string }) {
  const request: WebhookRequest = {
    vendor: 'infobip',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/infobip/webhook',
    query: '',
    rawBody: Buffer.from(delivery.body),
    contentType: 'application/json',
    headers: delivery.headers,
    receivedAt: new Date('2026-11-23T09:06:00.000Z'),
  };
  return vendor.parse(request);
}

describe('InfobipSender against the Infobip stand-in over HTTPS', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(infobipSendStandIn(), throttled);
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.server.clear());

  it('is the vendor’s sender, and its key is a secret reference', () => {
    expect(vendor.sender).toBeInstanceOf(InfobipSender);
    expect(vendor.secretSettings).toContain('apiKey');
  });

  it('names missing send settings without making them required for receiving', () => {
    const inboundOnly = plainToInstance(InfobipSettings, {});
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(sender.missingSettings(inboundOnly)).toEqual(['apiBaseUrl', 'apiKey']);
    expect(sender.missingSettings(settings)).toEqual([]);
    expect(sender.targets(settings)).toEqual([INFOBIP_TEST_API_BASE_URL]);
    expect(sender.targets(inboundOnly)).toEqual([]);
    const plainHttp = plainToInstance(InfobipSettings, { apiBaseUrl: 'http://x.api.infobip.com' });
    expect(validateSync(plainHttp).map((error) => error.property)).toEqual(['apiBaseUrl']);
  });

  it('sends one SMS as Infobip documents it and returns its message id', async () => {
    const receipt = await sender.send(sms, settings, rig.http);

    expect(receipt).toEqual({ vendorMessageId: expect.any(String), status: 'pending' });
    expect(rig.sent()).toEqual([
      {
        vendor: 'infobip',
        from: sms.from,
        to: sms.to,
        text: sms.text,
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    const [request] = rig.server.requests();
    expect(request).toMatchObject({
      host: 'j3x8vq.api.infobip.com',
      method: 'POST',
      path: '/sms/2/text/advanced',
    });
    expect(request.headers.authorization).toBe(`App ${INFOBIP_TEST_API_KEY}`);
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      messages: [
        {
          from: '385921004026',
          destinations: [{ to: '385916242493' }],
          text: sms.text,
          callbackData: 'b2c-thread-1234',
        },
      ],
    });
    // A fresh id per message.
    const second = await sender.send(sms, settings, rig.http);
    expect(second.vendorMessageId).not.toBe(receipt.vendorMessageId);
  });

  it('reads a refusal inside a 200 answer as SendRefusedError with Infobip’s status name', async () => {
    const error = await failureOf(
      sender.send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({
      status: 200,
      code: 'REJECTED_DESTINATION',
    });
    expect(rig.sent()).toEqual([]);
  });

  it('refuses for good when Infobip refuses the API key, without naming the key', async () => {
    const wrong = plainToInstance(InfobipSettings, { ...settings, apiKey: 'not-the-key-9f1' });
    const error = await failureOf(sender.send(sms, wrong, rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toEqual({
      status: 401,
      code: 'UNAUTHORIZED',
      reason: 'Invalid login details',
    });
    expect(error.message).not.toContain('not-the-key-9f1');
  });

  it('defers on 429 with Infobip’s Retry-After', async () => {
    const elsewhere = plainToInstance(InfobipSettings, {
      ...settings,
      apiBaseUrl: `https://${THROTTLED_HOST}`,
    });
    const error = await failureOf(sender.send(sms, elsewhere, rig.http));
    expect(error).toBeInstanceOf(SendDeferredError);
    expect((error as SendDeferredError).retryAfterMs).toBe(7000);
    expect((error as SendDeferredError).detail.code).toBe('TOO_MANY_REQUESTS');
  });

  it('defers, calling nothing, when the base URL is not on the outbound allowlist', async () => {
    const unlisted = plainToInstance(InfobipSettings, {
      ...settings,
      apiBaseUrl: 'https://other.api.infobip.com',
    });
    // The guard logs each refusal for admins; kept out of the test output.
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const error = await failureOf(sender.send(sms, unlisted, rig.http));
      expect(error).toBeInstanceOf(SendDeferredError);
      expect(error.message).toMatch(/allowlist/);
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(rig.server.requests()).toEqual([]);
  });

  it('reports an unknown outcome when Infobip never answers', async () => {
    const quick: OutboundHttp = {
      request: (request) => rig.http.request({ ...request, timeoutMs: 400 }),
    };
    const started = Date.now();
    const error = await failureOf(
      sender.send({ ...sms, to: STAND_IN_HANGING_NUMBER }, settings, quick),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(rig.server.requests().map((request) => request.outcome)).toEqual(['hang']);
  });

  it.each([
    ['delivered', { status: 'delivered' }],
    ['failed', { status: 'undeliverable', errorCode: 'EC_ABSENT_SUBSCRIBER' }],
  ] as const)('reads a %s delivery report back as a receipt', async (outcome, expected) => {
    const sent = { vendorMessageId: 'msg-77', from: sms.from, to: sms.to };
    const delivery = await conformance.send!.receipt('bulk-1', sent, outcome);
    const messages = await parsed(delivery);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: 'status', from: sms.from, to: sms.to });
    expect(sender.receipt(messages[0])).toEqual({ vendorMessageId: 'msg-77', ...expected });
  });

  it('reads no receipt from an inbound SMS', async () => {
    const delivery = await conformance.send!.inbound('in-1', {
      from: sms.to,
      to: sms.from,
      text: 'Thanks!',
    });
    const messages = await parsed(delivery);
    expect(messages).toEqual([
      expect.objectContaining({ messageId: 'in-1', kind: 'sms', from: sms.to, to: sms.from }),
    ]);
    expect(sender.receipt(messages[0])).toBeUndefined();
  });
});
