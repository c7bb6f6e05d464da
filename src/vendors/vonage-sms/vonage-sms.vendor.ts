import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseVonageSmsPayload } from './vonage-sms-payload';
import { vonageSmsSender } from './vonage-sms-send';
import { verifyVonageSmsSignature } from './vonage-sms-signature';
import {
  VONAGE_SMS_ACK,
  VONAGE_SMS_FORM,
  VONAGE_SMS_JSON,
  VONAGE_SMS_VENDOR_NAME,
} from './vonage-sms.constants';
import { VonageSmsSettings } from './vonage-sms.settings';

/**
 * Vonage SMS API webhooks (inbound SMS, delivery receipts) sent with the dashboard's "POST" or
 * "POST-JSON" method, signed with the `sig` parameter. Stateless.
 */
@Injectable()
@RegisterVendor()
export class VonageSmsVendor implements WebhookVendor<VonageSmsSettings> {
  readonly name = VONAGE_SMS_VENDOR_NAME;
  readonly settingsClass = VonageSmsSettings;
  readonly secretSettings: readonly (keyof VonageSmsSettings)[] = ['signatureSecret', 'apiSecret'];
  readonly contentTypes: readonly string[] = [VONAGE_SMS_FORM, VONAGE_SMS_JSON];
  readonly sender = vonageSmsSender;

  verify(request: WebhookRequest, settings: VonageSmsSettings): void {
    verifyVonageSmsSignature(request, {
      secret: settings.signatureSecret,
      method: settings.signatureMethod,
      toleranceMs: settings.timestampToleranceSeconds * 1000,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseVonageSmsPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...VONAGE_SMS_ACK };
  }
}
