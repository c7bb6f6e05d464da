import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseTwilioPayload } from './twilio-payload';
import { twilioSender } from './twilio-send';
import { verifyTwilioSignature } from './twilio-signature';
import {
  TWILIO_ACK,
  TWILIO_FORM,
  TWILIO_JSON,
  TWILIO_SIGNATURE_HEADER,
  TWILIO_VENDOR_NAME,
} from './twilio.constants';
import { TwilioSettings } from './twilio.settings';

/** Twilio Messaging webhooks: SMS, MMS, WhatsApp and status callbacks. Stateless. */
@Injectable()
@RegisterVendor()
export class TwilioVendor implements WebhookVendor<TwilioSettings> {
  readonly name = TWILIO_VENDOR_NAME;
  readonly settingsClass = TwilioSettings;
  readonly secretSettings: readonly (keyof TwilioSettings)[] = ['authToken', 'apiKeySecret'];
  readonly contentTypes: readonly string[] = [TWILIO_FORM, TWILIO_JSON];
  readonly sender = twilioSender;

  verify(request: WebhookRequest, settings: TwilioSettings): void {
    verifyTwilioSignature({
      authToken: settings.authToken,
      // Twilio signs the URL it called; publicUrl is rebuilt from configuration, not Host.
      url: request.publicUrl,
      signatureHeader: request.headers[TWILIO_SIGNATURE_HEADER],
      contentType: request.contentType,
      rawBody: request.rawBody,
    });
  }

  parse(request: WebhookRequest, _settings: TwilioSettings): InboundMessage[] {
    return parseTwilioPayload(request);
  }

  acknowledge(_messages: readonly InboundMessage[], _request: WebhookRequest): VendorAck {
    // Same reply for new and already-held messages, so Twilio's retry sees plain success.
    return { ...TWILIO_ACK };
  }
}
