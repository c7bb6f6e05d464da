import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MalformedPayloadError,
  SignatureRejectedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { WebhookRequest } from '../webhook-vendor';
import {
  ed25519TestKeys,
  signedStandardWebhooksRequest,
  STANDARD_WEBHOOKS_TEST_SECRET,
  standardWebhooksSmsEvent,
} from './fixtures/signed-standard-webhooks-request';
import { StandardWebhooksSettings } from './standard-webhooks.settings';
import { StandardWebhooksVendor } from './standard-webhooks.vendor';

const vendor = new StandardWebhooksVendor();

function settingsOf(plain: Record<string, unknown>): StandardWebhooksSettings {
  const settings = plainToInstance(StandardWebhooksSettings, plain, { exposeDefaultValues: true });
  expect(validateSync(settings, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
  return settings;
}

function problems(plain: Record<string, unknown>): string[] {
  const settings = plainToInstance(StandardWebhooksSettings, plain, { exposeDefaultValues: true });
  return validateSync(settings, { whitelist: true, forbidNonWhitelisted: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}),
  );
}

function request(signed: { headers: Record<string, string>; body: string }): WebhookRequest {
  return {
    vendor: 'standard-webhooks',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/standard-webhooks/webhook',
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: 'application/json',
    headers: signed.headers,
    receivedAt: new Date('2026-11-23T09:00:05.000Z'),
  };
}

const signedAt = new Date('2026-11-23T09:00:00.000Z');
const flat = { from: '+14158675309', to: '+14155552671', text: 'Where is my parcel?' };

describe('StandardWebhooksSettings', () => {
  it('defaults the pointers to /from, /to and /text', () => {
    const settings = settingsOf({ secret: STANDARD_WEBHOOKS_TEST_SECRET });
    expect(settings).toMatchObject({
      fromPointer: '/from',
      toPointer: '/to',
      textPointer: '/text',
    });
    expect(settings.messageTypes).toBeUndefined();
  });

  it('takes a public key alone, and message types as a comma-separated list', () => {
    const settings = settingsOf({
      publicKey: ed25519TestKeys().publicKey,
      messageTypes: 'message.received, sms.inbound,',
    });
    expect(settings.messageTypes).toEqual(['message.received', 'sms.inbound']);
  });

  it.each([
    [{}, 'secret is required unless publicKey is set'],
    [{ secret: 'whsec_***' }, 'secret must be whsec_ followed by base64'],
    [{ secret: STANDARD_WEBHOOKS_TEST_SECRET, publicKey: 'whpk_AAAA' }, 'publicKey must be whpk_'],
    [
      { secret: STANDARD_WEBHOOKS_TEST_SECRET, fromPointer: 'data.from' },
      'fromPointer must be a JSON Pointer',
    ],
    [
      { secret: STANDARD_WEBHOOKS_TEST_SECRET, textPointer: '/a~2' },
      'textPointer must be a JSON Pointer',
    ],
    [{ secret: STANDARD_WEBHOOKS_TEST_SECRET, replayWindow: 5 }, 'should not exist'],
  ])('refuses %j', (plain, message) => {
    const found = problems(plain);
    expect(found).toEqual([expect.stringContaining(message)]);
  });

  it('never quotes a refused secret', () => {
    const secret = 'whsec_this-is-not-base64-but-is-secret';
    expect(problems({ secret }).join(' ')).not.toContain('this-is-not');
  });
});

describe('StandardWebhooksVendor', () => {
  it('describes itself for registration', () => {
    expect(vendor.name).toBe('standard-webhooks');
    expect(vendor.secretSettings).toEqual(['secret']);
    expect(vendor.contentTypes).toEqual(['application/json']);
    expect(vendor.acknowledge()).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"status":"accepted"}',
    });
  });

  it('verifies and maps a flat payload with the default pointers; webhook-id is the message id', () => {
    const settings = settingsOf({ secret: STANDARD_WEBHOOKS_TEST_SECRET });
    const signed = request(signedStandardWebhooksRequest('msg_2KWPBgLl', flat, { at: signedAt }));
    expect(() => vendor.verify(signed, settings)).not.toThrow();
    expect(vendor.parse(signed, settings)).toEqual([
      {
        vendor: 'standard-webhooks',
        messageId: 'msg_2KWPBgLl',
        kind: 'sms',
        from: '+14158675309',
        to: '+14155552671',
        text: 'Where is my parcel?',
        media: [],
        receivedAt: '2026-11-23T09:00:05.000Z',
        raw: flat,
      },
    ]);
  });

  it('maps a spec-shaped event through configured pointers, with the event timestamp', () => {
    const { publicKey, privateKey } = ed25519TestKeys();
    const settings = settingsOf({
      publicKey,
      fromPointer: '/data/from',
      toPointer: '/data/to',
      textPointer: '/data/text',
      messageTypes: 'message.received',
    });
    const event = standardWebhooksSmsEvent('e1');
    const signed = request(
      signedStandardWebhooksRequest('msg_e1', event, { privateKey, at: signedAt }),
    );
    expect(() => vendor.verify(signed, settings)).not.toThrow();
    expect(vendor.parse(signed, settings)).toEqual([
      expect.objectContaining({
        messageId: 'msg_e1',
        from: '+14158675309',
        to: '+14155552671',
        text: 'My order never arrived',
        receivedAt: '2026-11-23T09:00:00.000Z',
        raw: event,
      }),
    ]);
  });

  it('acknowledges events of other types without a message when messageTypes is set', () => {
    const settings = settingsOf({
      secret: STANDARD_WEBHOOKS_TEST_SECRET,
      messageTypes: 'message.received',
    });
    for (const payload of [{ ...flat, type: 'message.delivered' }, flat]) {
      const signed = request(signedStandardWebhooksRequest('msg_x', payload, { at: signedAt }));
      expect(vendor.parse(signed, settings)).toEqual([]);
    }
  });

  it('keeps a recipient that is no phone number as sent, and defaults missing text to ""', () => {
    const settings = settingsOf({ secret: STANDARD_WEBHOOKS_TEST_SECRET });
    const payload = { from: '+447911123456', to: 'support-line' };
    const [message] = vendor.parse(request(signedStandardWebhooksRequest('m', payload)), settings);
    expect(message).toMatchObject({ from: '+447911123456', to: 'support-line', text: '' });
  });

  it.each([
    [{ ...flat, from: 'ACME' }, UnprocessablePayloadError, 'from is not a valid phone number'],
    [{ ...flat, from: undefined }, MalformedPayloadError, 'from missing'],
    [{ ...flat, to: ['+14155552671'] }, MalformedPayloadError, 'to must be a string'],
    [{ ...flat, text: 42 }, MalformedPayloadError, 'text must be a string'],
    ['[1,2]', MalformedPayloadError, 'JSON body must be an object'],
    ['{"from":', MalformedPayloadError, 'body is not valid JSON'],
  ])('refuses %j naming the problem', (payload, type, message) => {
    const settings = settingsOf({ secret: STANDARD_WEBHOOKS_TEST_SECRET });
    const signed = request(signedStandardWebhooksRequest('m', payload));
    expect(() => vendor.parse(signed, settings)).toThrow(type);
    expect(() => vendor.parse(signed, settings)).toThrow(message);
  });

  it('names the configured field in errors', () => {
    const settings = settingsOf({
      secret: STANDARD_WEBHOOKS_TEST_SECRET,
      fromPointer: '/data/sender',
    });
    const signed = request(
      signedStandardWebhooksRequest('m', { data: { sender: '12' }, to: '+14155552671' }),
    );
    expect(() => vendor.parse(signed, settings)).toThrow('data.sender is not a valid phone number');
  });

  it('verifies with the configured settings: a wrong secret is refused', () => {
    const settings = settingsOf({ secret: 'whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHMtb25seQ==' });
    const signed = request(signedStandardWebhooksRequest('m', flat, { at: signedAt }));
    expect(() => vendor.verify(signed, settings)).toThrow(SignatureRejectedError);
  });
});
