import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseTelnyxPayload } from './telnyx-payload';
import { TelnyxSender } from './telnyx-send';
import { telnyxPublicKey, verifyTelnyxSignature } from './telnyx-signature';
import { TELNYX_ACK, TELNYX_JSON, TELNYX_VENDOR_NAME } from './telnyx.constants';
import { TelnyxSettings } from './telnyx.settings';

/** Telnyx Messaging API v2 webhooks, signed Ed25519, and replies sent through it. Stateless. */
@Injectable()
@RegisterVendor()
export class TelnyxVendor implements WebhookVendor<TelnyxSettings> {
  readonly name = TELNYX_VENDOR_NAME;
  readonly settingsClass = TelnyxSettings;
  readonly secretSettings: readonly (keyof TelnyxSettings)[] = ['apiKey'];
  readonly contentTypes: readonly string[] = [TELNYX_JSON];
  readonly sender = new TelnyxSender();

  verify(request: WebhookRequest, settings: TelnyxSettings): void {
    verifyTelnyxSignature(request, telnyxPublicKey(settings.publicKey));
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseTelnyxPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...TELNYX_ACK };
  }
}
