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
  MESSAGEBIRD_TEST_SIGNING_KEY,
  MESSAGEBIRD_TEST_URL,
  messagebirdConversationEvent,
  messagebirdInboundSms,
  signedMessagebirdRequest,
} from './fixtures/signed-messagebird-request';
import { MessagebirdSettings } from './messagebird.settings';
import { MessagebirdVendor } from './messagebird.vendor';

const vendor = new MessagebirdVendor();
const settings = plainToInstance(MessagebirdSettings, { signingKey: MESSAGEBIRD_TEST_SIGNING_KEY });
const receivedAt = new Date('2026-11-23T09:00:05.000Z');

function request(
  signed: { headers: Record<string, string>; body: string },
  url = MESSAGEBIRD_TEST_URL,
): WebhookRequest {
  return {
    vendor: 'messagebird',
    method: 'POST',
    publicUrl: url,
    query: '',
    rawBody: Buffer.from(signed.body),
    contentType: signed.headers['content-type'],
    headers: signed.headers,
    receivedAt,
  };
}

const at = new Date('2026-11-23T09:00:00.000Z');
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formRequest = (fields: Record<string, string>) =>
  request(
    signedMessagebirdRequest(form(fields), {
      at,
      contentType: 'application/x-www-form-urlencoded',
    }),
  );
const jsonRequest = (payload: unknown) =>
  request(signedMessagebirdRequest(JSON.stringify(payload), { at }));

describe('MessagebirdSettings', () => {
  it('requires the signing key', () => {
    expect(validateSync(settings)).toEqual([]);
    const errors = validateSync(plainToInstance(MessagebirdSettings, {}));
    expect(errors.map((error) => error.property)).toEqual(['signingKey']);
  });
});

describe('MessagebirdVendor', () => {
  it('describes itself for registration', () => {
    expect(vendor.name).toBe('messagebird');
    expect(vendor.secretSettings).toEqual(['signingKey', 'accessKey']);
    expect(vendor.acknowledge()).toEqual({ status: 200, contentType: 'text/plain', body: 'OK' });
  });

  it('verifies an SMS API form webhook and maps it, adding + to the MSISDNs', async () => {
    const signed = formRequest(messagebirdInboundSms('e5c1f7a2b3'));
    await expect(vendor.verify(signed, settings)).resolves.toEqual({
      replayKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      replayTtlMs: 60_000,
    });
    expect(vendor.parse(signed)).toEqual([
      {
        vendor: 'messagebird',
        messageId: 'e5c1f7a2b3',
        kind: 'sms',
        from: '+31612345678',
        to: '+31970102030',
        text: 'My order never arrived',
        media: [],
        receivedAt: '2026-11-23T09:00:00.000Z',
        raw: messagebirdInboundSms('e5c1f7a2b3'),
      },
    ]);
  });

  it('maps the same message sent as JSON, keeping a shortcode recipient as sent', () => {
    const signed = jsonRequest({ ...messagebirdInboundSms('j1'), recipient: '3000' });
    expect(vendor.parse(signed)).toEqual([
      expect.objectContaining({ messageId: 'j1', from: '+31612345678', to: '3000' }),
    ]);
  });

  it('maps a Conversations message.created from the customer, ignores our own messages', () => {
    expect(vendor.parse(jsonRequest(messagebirdConversationEvent('c1')))).toEqual([
      expect.objectContaining({
        messageId: 'c1',
        kind: 'sms',
        from: '+31612345678',
        text: 'Where is my parcel?',
        receivedAt: '2026-11-23T09:00:00.000Z',
      }),
    ]);
    expect(vendor.parse(jsonRequest(messagebirdConversationEvent('c2', 'sent')))).toEqual([]);
    const updated = { ...messagebirdConversationEvent('c3'), type: 'message.updated' };
    expect(vendor.parse(jsonRequest(updated))).toEqual([]);
  });

  it('maps Conversations media as an MMS', () => {
    const event = messagebirdConversationEvent('c4');
    const message = event.message as Record<string, unknown>;
    const withImage = {
      ...event,
      message: {
        ...message,
        type: 'image',
        content: { image: { url: 'https://media.messagebird.com/v1/media/abc' } },
      },
    };
    expect(vendor.parse(jsonRequest(withImage))[0]).toMatchObject({
      kind: 'mms',
      text: '',
      media: [{ url: 'https://media.messagebird.com/v1/media/abc' }],
    });
  });

  it.each([
    [{ ...messagebirdInboundSms('x'), id: '' }, MalformedPayloadError, 'id missing'],
    [
      { ...messagebirdInboundSms('x'), originator: 'ACME' },
      UnprocessablePayloadError,
      'originator is not a valid phone number',
    ],
  ])('refuses %j', (fields, type, message) => {
    expect(() => vendor.parse(formRequest(fields))).toThrow(type);
    expect(() => vendor.parse(formRequest(fields))).toThrow(message);
  });

  it('refuses a form with a repeated originator and a Conversations event without message', () => {
    const repeated = request(
      signedMessagebirdRequest(`${form(messagebirdInboundSms('r'))}&originator=31612345679`, {
        at,
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(() => vendor.parse(repeated)).toThrow('originator must be a string');
    expect(() => vendor.parse(jsonRequest({ type: 'message.created', message: 'x' }))).toThrow(
      'message must be an object',
    );
  });

  it('rejects a request for another URL, another key, and a changed body', async () => {
    const signed = formRequest(messagebirdInboundSms('t1'));
    await expect(
      vendor.verify({ ...signed, publicUrl: `${MESSAGEBIRD_TEST_URL}?x=1` }, settings),
    ).rejects.toThrow(/url_hash/);
    await expect(vendor.verify(signed, { signingKey: 'other' })).rejects.toThrow(
      SignatureRejectedError,
    );
    await expect(
      vendor.verify(
        { ...signed, rawBody: Buffer.from(form(messagebirdInboundSms('t2'))) },
        settings,
      ),
    ).rejects.toThrow(/payload_hash/);
    const headers = { ...(signed.headers as Record<string, string>) };
    delete headers['messagebird-signature-jwt'];
    await expect(vendor.verify({ ...signed, headers }, settings)).rejects.toThrow(/header missing/);
  });
});
