import { generateKeyPairSync } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { OutboundHttp, OutboundResponse } from '../../allowlist/outbound/outbound-http.port';
import type { InboundMessage } from '../../messages/inbound-message';
import { startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import {
  SendDeferredError,
  SendOutcomeUnknownError,
  SendRefusedError,
  type OutboundSms,
} from '../kit/send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import {
  VONAGE_MESSAGES_TEST_SECRET,
  vonageMessagesWebhookRequest,
} from './fixtures/signed-vonage-messages-request';
import { conformance } from './fixtures/vonage-messages.conformance';
import {
  VONAGE_MESSAGES_TEST_API_KEY,
  VONAGE_MESSAGES_TEST_API_SECRET,
  VONAGE_MESSAGES_TEST_APPLICATION_ID,
  VONAGE_MESSAGES_TEST_PRIVATE_KEY,
  vonageMessagesSendStandIn,
} from './fixtures/vonage-messages-send.stand-in';
import { VonageMessagesSettings } from './vonage-messages.settings';
import { VonageMessagesVendor } from './vonage-messages.vendor';

const vendor = new VonageMessagesVendor();
const sender = vendor.sender;

function settings(values: Record<string, unknown> = {}): VonageMessagesSettings {
  return plainToInstance(
    VonageMessagesSettings,
    {
      signatureSecret: VONAGE_MESSAGES_TEST_SECRET,
      apiKey: VONAGE_MESSAGES_TEST_API_KEY,
      apiSecret: VONAGE_MESSAGES_TEST_API_SECRET,
      ...values,
    },
    { exposeDefaultValues: true },
  );
}

/** Sending with the application's JWT only, the key on one line with `\n` escapes. */
const jwtSettings = (privateKey = VONAGE_MESSAGES_TEST_PRIVATE_KEY) =>
  settings({
    apiKey: undefined,
    apiSecret: undefined,
    applicationId: VONAGE_MESSAGES_TEST_APPLICATION_ID,
    privateKey: privateKey.replace(/\n/g, '\\n'),
  });

const sms = (to: string): OutboundSms => ({
  from: '+12015550123',
  to,
  text: 'Your parcel leaves today.',
  reference: 'b2c-thread-1234',
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: Error) => error,
  );
}

/** A status callback as the gateway stores it: the kit's signed receipt, parsed by the vendor. */
async function storedReceipt(
  sent: { vendorMessageId: string; from: string; to: string },
  outcome: 'delivered' | 'failed',
): Promise<InboundMessage> {
  const delivery = await conformance.send!.receipt('evt-1', sent, outcome);
  const request = vonageMessagesWebhookRequest({
    headers: delivery.headers,
    body: delivery.body.toString(),
  });
  await vendor.verify(request, settings());
  const [message] = vendor.parse(request);
  return message;
}

const claimsOf = (authorization: string | string[] | undefined) => {
  const [header, payload] = String(authorization)
    .replace(/^Bearer /, '')
    .split('.');
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
  return { header: decode(header), claims: decode(payload) };
};

describe('Vonage Messages sender', () => {
  let rig: SendTestRig;

  beforeAll(async () => {
    rig = await startSendTestRig(vonageMessagesSendStandIn());
  });
  afterAll(() => rig?.close());
  beforeEach(() => rig.server.clear());

  it('keeps sending optional and names what is missing for Basic or for the JWT', () => {
    const inboundOnly = settings({ apiKey: undefined, apiSecret: undefined });
    expect(validateSync(inboundOnly)).toEqual([]);
    expect(inboundOnly.apiBaseUrl).toBe('https://api.nexmo.com');
    expect(sender.missingSettings(inboundOnly)).toEqual(['apiKey', 'apiSecret']);
    expect(sender.missingSettings(settings({ apiSecret: undefined }))).toEqual(['apiSecret']);
    expect(sender.missingSettings(settings())).toEqual([]);
    expect(
      sender.missingSettings(settings({ applicationId: VONAGE_MESSAGES_TEST_APPLICATION_ID })),
    ).toEqual(['privateKey']);
    expect(sender.missingSettings(jwtSettings())).toEqual([]);
    expect(vendor.secretSettings).toEqual(['signatureSecret', 'apiSecret', 'privateKey']);
    expect(sender.targets(settings())).toEqual(['https://api.nexmo.com/v1/messages']);
    expect(sender.targets(settings({ apiBaseUrl: 'https://demo.example/' }))).toEqual([
      'https://demo.example/v1/messages',
    ]);
    const invalid = settings({
      apiBaseUrl: 'api.nexmo.com',
      applicationId: 'app-1',
      privateKey: 'not a key',
    });
    expect(
      validateSync(invalid)
        .map((error) => error.property)
        .sort(),
    ).toEqual(['apiBaseUrl', 'applicationId', 'privateKey']);
  });

  it('sends an SMS with Basic auth over HTTPS and returns the message_uuid', async () => {
    const receipt = await sender.send(sms('+14155550100'), settings(), rig.http);
    expect(rig.sent()).toEqual([
      {
        vendor: 'vonage-messages',
        from: '+12015550123',
        to: '+14155550100',
        text: 'Your parcel leaves today.',
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
    expect(receipt).toEqual({
      vendorMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'accepted',
    });
    const [request] = rig.server.requests();
    expect(request).toMatchObject({ host: 'api.nexmo.com', method: 'POST', path: '/v1/messages' });
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${VONAGE_MESSAGES_TEST_API_KEY}:${VONAGE_MESSAGES_TEST_API_SECRET}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body.toString())).toEqual({
      message_type: 'text',
      channel: 'sms',
      to: '14155550100',
      from: '12015550123',
      text: 'Your parcel leaves today.',
      client_ref: 'b2c-thread-1234',
    });
  });

  it('sends with an RS256 application JWT when the application id and key are set', async () => {
    const receipt = await sender.send(sms('+14155550100'), jwtSettings(), rig.http);
    expect(rig.sent()).toEqual([
      expect.objectContaining({ vendorMessageId: receipt.vendorMessageId }),
    ]);
    const { header, claims } = claimsOf(rig.server.requests()[0].headers.authorization);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toEqual({
      application_id: VONAGE_MESSAGES_TEST_APPLICATION_ID,
      iat: expect.any(Number),
      exp: (claims.iat as number) + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('reads a JWT signed with another key as refused (401), and an unreadable key too', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const error = await rejection(sender.send(sms('+14155550100'), jwtSettings(other), rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 401, code: 'unauthorized' });
    const garbled = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----';
    const unreadable = await rejection(
      sender.send(sms('+14155550100'), jwtSettings(garbled), rig.http),
    );
    expect(unreadable).toBeInstanceOf(SendRefusedError);
    expect(unreadable.message).not.toContain('bm90IGEga2V5');
    expect(rig.sent()).toEqual([]);
  });

  it('reads the invalid-number problem as refused, with the Messages API code', async () => {
    const error = await rejection(sender.send(sms(STAND_IN_REFUSED_NUMBER), settings(), rig.http));
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail).toMatchObject({ status: 422, code: '1020' });
    expect(error.message).toContain('Invalid params');
    expect(rig.sent()).toEqual([]);
  });

  it('reads a wrong API secret as refused, never naming the secret', async () => {
    const wrong = 'not-the-api-secret';
    const error = await rejection(
      sender.send(sms('+14155550100'), settings({ apiSecret: wrong }), rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect((error as SendRefusedError).detail.status).toBe(401);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrong);
  });

  it('refuses to send without credentials, before calling Vonage', async () => {
    const error = await rejection(
      sender.send(sms('+14155550100'), settings({ apiSecret: undefined }), rig.http),
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect(error.message).toContain('vendors.vonage-messages.apiSecret');
    expect(rig.server.requests()).toEqual([]);
  });

  it('gives an unknown outcome when Vonage never answers', async () => {
    const started = Date.now();
    const error = await rejection(
      sender.send(sms(STAND_IN_HANGING_NUMBER), settings(), rig.withTimeout(300)),
    );
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('maps throttling, a 5xx and a 202 without a message_uuid', async () => {
    // Canned answers in the API's documented shapes: the stand-in never throttles.
    const answering = (status: number, body: unknown, headers = {}): OutboundHttp => ({
      request: (): Promise<OutboundResponse> =>
        Promise.resolve({ status, headers, body: Buffer.from(JSON.stringify(body)) }),
    });
    const throttled = await rejection(
      sender.send(
        sms('+14155550100'),
        settings(),
        answering(
          429,
          {
            type: 'https://developer.vonage.com/api-errors/messages#1000',
            title: 'Throttled',
            detail: 'You have exceeded the submission capacity allowed on this account.',
            instance: 'bf0ca0bf927b3b52e3cb03217e1a1ddf',
          },
          { 'retry-after': '3' },
        ),
      ),
    );
    expect(throttled).toBeInstanceOf(SendDeferredError);
    expect((throttled as SendDeferredError).retryAfterMs).toBe(3000);
    expect((throttled as SendDeferredError).detail.code).toBe('1000');
    const broken = await rejection(
      sender.send(sms('+14155550100'), settings(), answering(500, { title: 'Internal error' })),
    );
    expect(broken).toBeInstanceOf(SendOutcomeUnknownError);
    const blank = await rejection(sender.send(sms('+14155550100'), settings(), answering(202, {})));
    expect(blank).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('reads delivered and rejected status callbacks as receipts', async () => {
    const sent = {
      vendorMessageId: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
      from: '+12015550123',
      to: '+14155550100',
    };
    const delivered = await storedReceipt(sent, 'delivered');
    expect(delivered).toMatchObject({ kind: 'status', from: '12015550123', to: '+14155550100' });
    expect(sender.receipt(delivered)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'delivered',
    });
    const failed = await storedReceipt(sent, 'failed');
    expect(sender.receipt(failed)).toEqual({
      vendorMessageId: sent.vendorMessageId,
      status: 'rejected',
      errorCode: '1250',
    });
  });

  it('reads no receipt out of an inbound text', async () => {
    const delivery = await conformance.send!.inbound('0123456789abcdef0123456789abcdef', {
      from: '+14155550100',
      to: '+12015550123',
      text: 'Thanks!',
    });
    const [message] = vendor.parse(
      vonageMessagesWebhookRequest({ headers: delivery.headers, body: delivery.body.toString() }),
    );
    expect(message).toMatchObject({
      kind: 'sms',
      from: '+14155550100',
      to: '+12015550123',
      text: 'Thanks!',
    });
    expect(sender.receipt(message)).toBeUndefined();
  });
});
