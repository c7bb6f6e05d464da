import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  signedVonageMessagesRequest,
  VONAGE_MESSAGES_TEST_SECRET,
  vonageMessagesWebhookRequest,
} from './fixtures/signed-vonage-messages-request';
import { vonageInboundText, VONAGE_MESSAGES_UUID } from './fixtures/vonage-messages-payloads';
import { VonageMessagesVendor } from './vonage-messages.vendor';
import { VonageMessagesSettings } from './vonage-messages.settings';

const vendor = new VonageMessagesVendor();
const settings = (raw: Record<string, unknown>) =>
  plainToInstance(VonageMessagesSettings, raw, { exposeDefaultValues: true });

describe('VonageMessagesVendor', () => {
  it('verifies, parses and acknowledges a signed webhook', async () => {
    const request = vonageMessagesWebhookRequest(
      signedVonageMessagesRequest(vonageInboundText(VONAGE_MESSAGES_UUID), {
        claims: { jti: 'j1' },
      }),
    );
    const config = settings({ signatureSecret: VONAGE_MESSAGES_TEST_SECRET });
    await expect(vendor.verify(request, config)).resolves.toEqual({
      replayKey: 'j1',
      replayTtlMs: 600_000,
    });
    expect(vendor.parse(request)).toEqual([
      expect.objectContaining({ messageId: VONAGE_MESSAGES_UUID }),
    ]);
    expect(vendor.acknowledge()).toEqual({ status: 200, contentType: 'text/plain', body: 'OK' });
    expect(vendor.contentTypes).toEqual(['application/json']);
  });

  it('takes the iat window from settings given as text', async () => {
    const at = new Date(Date.now() - 20 * 60 * 1000);
    const request = vonageMessagesWebhookRequest(
      signedVonageMessagesRequest(vonageInboundText(VONAGE_MESSAGES_UUID), { at }),
    );
    const wide = settings({
      signatureSecret: VONAGE_MESSAGES_TEST_SECRET,
      iatToleranceSeconds: '1800',
    });
    expect(validateSync(wide)).toEqual([]);
    await expect(vendor.verify(request, wide)).resolves.toBeDefined();
    await expect(
      vendor.verify(request, settings({ signatureSecret: VONAGE_MESSAGES_TEST_SECRET })),
    ).rejects.toThrow(/iat/);
    const bad = settings({ signatureSecret: '', iatToleranceSeconds: '5' });
    expect(
      validateSync(bad)
        .map((e) => e.property)
        .sort(),
    ).toEqual(['iatToleranceSeconds', 'signatureSecret']);
  });
});
