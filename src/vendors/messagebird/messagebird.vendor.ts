import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { requiredHeader } from '../kit/verification';
import { RegisterVendor } from '../vendor.decorator';
import type { Verification, VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { verifyMessagebirdJwt } from './messagebird-jwt';
import { parseMessagebirdPayload } from './messagebird-payload';
import { MessagebirdSender } from './messagebird-send';
import {
  MESSAGEBIRD_ACK,
  MESSAGEBIRD_SIGNATURE_HEADER,
  MESSAGEBIRD_VENDOR_NAME,
} from './messagebird.constants';
import { MessagebirdSettings } from './messagebird.settings';

/**
 * MessageBird (legacy platform) webhooks signed with `MessageBird-Signature-JWT`: inbound SMS
 * and status reports (SMS API, form or JSON) and Conversations API message events. Replies go
 * out through `MessagebirdSender` (SMS API). Stateless.
 */
@Injectable()
@RegisterVendor()
export class MessagebirdVendor implements WebhookVendor<MessagebirdSettings> {
  readonly name = MESSAGEBIRD_VENDOR_NAME;
  readonly settingsClass = MessagebirdSettings;
  readonly secretSettings: readonly (keyof MessagebirdSettings)[] = ['signingKey', 'accessKey'];
  readonly contentTypes: readonly string[] = [
    'application/json',
    'application/x-www-form-urlencoded',
  ];
  readonly sender = new MessagebirdSender();

  async verify(request: WebhookRequest, settings: MessagebirdSettings): Promise<Verification> {
    return verifyMessagebirdJwt({
      token: requiredHeader(request, MESSAGEBIRD_SIGNATURE_HEADER),
      signingKey: settings.signingKey,
      // MessageBird signs the URL it called; publicUrl is rebuilt from configuration.
      url: request.publicUrl,
      rawBody: request.rawBody,
      now: request.receivedAt,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseMessagebirdPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...MESSAGEBIRD_ACK };
  }
}
