import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { Verification, VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseVonageMessagesPayload } from './vonage-messages-payload';
import { VonageMessagesSender } from './vonage-messages-send';
import { verifyVonageMessagesRequest } from './vonage-messages-signature';
import {
  VONAGE_MESSAGES_ACK,
  VONAGE_MESSAGES_JSON,
  VONAGE_MESSAGES_VENDOR_NAME,
} from './vonage-messages.constants';
import { VonageMessagesSettings } from './vonage-messages.settings';

/**
 * Vonage Messages API (v1) inbound and status webhooks, signed with an HS256 JWT, and SMS sent
 * back through the same API. Stateless.
 */
@Injectable()
@RegisterVendor()
export class VonageMessagesVendor implements WebhookVendor<VonageMessagesSettings> {
  readonly name = VONAGE_MESSAGES_VENDOR_NAME;
  readonly settingsClass = VonageMessagesSettings;
  readonly secretSettings: readonly (keyof VonageMessagesSettings)[] = [
    'signatureSecret',
    'apiSecret',
    'privateKey',
  ];
  readonly contentTypes: readonly string[] = [VONAGE_MESSAGES_JSON];
  readonly sender = new VonageMessagesSender();

  async verify(request: WebhookRequest, settings: VonageMessagesSettings): Promise<Verification> {
    return verifyVonageMessagesRequest(request, {
      secret: settings.signatureSecret,
      toleranceMs: settings.iatToleranceSeconds * 1000,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseVonageMessagesPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...VONAGE_MESSAGES_ACK };
  }
}
