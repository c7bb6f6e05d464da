import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { verifyTwilioSignature } from '../twilio/twilio-signature';
import { TWILIO_ACK, TWILIO_SIGNATURE_HEADER } from '../twilio/twilio.constants';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseTwilioVoicePayload } from './twilio-voice-payload';
import { TWILIO_VOICE_FORM, TWILIO_VOICE_VENDOR_NAME } from './twilio-voice.constants';
import { TwilioVoiceSettings } from './twilio-voice.settings';

/**
 * Twilio Voice voicemail callbacks (`<Record>` transcription or action), signed with
 * X-Twilio-Signature exactly as Twilio Messaging webhooks are. Stateless.
 */
@Injectable()
@RegisterVendor()
export class TwilioVoiceVendor implements WebhookVendor<TwilioVoiceSettings> {
  readonly name = TWILIO_VOICE_VENDOR_NAME;
  readonly settingsClass = TwilioVoiceSettings;
  readonly secretSettings: readonly (keyof TwilioVoiceSettings)[] = ['authToken'];
  readonly contentTypes: readonly string[] = [TWILIO_VOICE_FORM];

  verify(request: WebhookRequest, settings: TwilioVoiceSettings): void {
    verifyTwilioSignature({
      authToken: settings.authToken,
      url: request.publicUrl,
      signatureHeader: request.headers[TWILIO_SIGNATURE_HEADER],
      contentType: request.contentType,
      rawBody: request.rawBody,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseTwilioVoicePayload(request);
  }

  acknowledge(): VendorAck {
    // As an action URL's reply this TwiML ends the call, which is what follows a voicemail.
    return { ...TWILIO_ACK };
  }
}
