import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { Verification, VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseSinchPayload } from './sinch-payload';
import { SinchSender } from './sinch-send';
import { verifySinchSignature } from './sinch-signature';
import { SINCH_ACK, SINCH_JSON, SINCH_VENDOR_NAME } from './sinch.constants';
import { SinchSettings } from './sinch.settings';

/**
 * Sinch SMS API and Conversation API callbacks, HMAC-SHA256 signed with nonce, and replies sent
 * through the SMS REST API. Stateless.
 */
@Injectable()
@RegisterVendor()
export class SinchVendor implements WebhookVendor<SinchSettings> {
  readonly name = SINCH_VENDOR_NAME;
  readonly settingsClass = SinchSettings;
  readonly secretSettings: readonly (keyof SinchSettings)[] = ['webhookSecret', 'apiToken'];
  readonly contentTypes: readonly string[] = [SINCH_JSON];
  readonly sender = new SinchSender();

  verify(request: WebhookRequest, settings: SinchSettings): Verification {
    return verifySinchSignature(request, {
      secret: settings.webhookSecret,
      toleranceMs: settings.timestampToleranceSeconds * 1000,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseSinchPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...SINCH_ACK };
  }
}
