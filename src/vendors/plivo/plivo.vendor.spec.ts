import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { plivoInboundSms, PLIVO_UUID } from './fixtures/plivo-payloads';
import {
  PLIVO_TEST_AUTH_TOKEN,
  plivoWebhookRequest,
  signedPlivoRequest,
} from './fixtures/signed-plivo-request';
import { PlivoVendor } from './plivo.vendor';
import { PlivoSettings } from './plivo.settings';

const vendor = new PlivoVendor();
const settings = (raw: Record<string, unknown>) =>
  plainToInstance(PlivoSettings, raw, { exposeDefaultValues: true });

describe('PlivoVendor', () => {
  it('checks V3 by default, V2 when configured', () => {
    const defaults = settings({ authToken: PLIVO_TEST_AUTH_TOKEN });
    expect(defaults.signatureVersion).toBe('v3');
    const v3 = plivoWebhookRequest(signedPlivoRequest(plivoInboundSms(PLIVO_UUID)));
    const v2 = plivoWebhookRequest(
      signedPlivoRequest(plivoInboundSms(PLIVO_UUID), { version: 'v2' }),
    );
    expect(vendor.verify(v3, defaults).replayKey).toMatch(/^v3:\d{20}$/);
    expect(() => vendor.verify(v2, defaults)).toThrow(SignatureRejectedError);
    const v2Settings = settings({ authToken: PLIVO_TEST_AUTH_TOKEN, signatureVersion: 'v2' });
    expect(vendor.verify(v2, v2Settings).replayKey).toMatch(/^v2:\d{20}$/);
    expect(vendor.parse(v3)).toEqual([expect.objectContaining({ messageId: PLIVO_UUID })]);
  });

  it('refuses unknown versions and an empty token', () => {
    const bad = settings({ authToken: '', signatureVersion: 'v1' });
    expect(
      validateSync(bad)
        .map((e) => e.property)
        .sort(),
    ).toEqual(['authToken', 'signatureVersion']);
  });

  it('acknowledges with an empty Plivo XML response', () => {
    expect(vendor.acknowledge()).toEqual({
      status: 200,
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="utf-8"?><Response></Response>',
    });
  });
});
