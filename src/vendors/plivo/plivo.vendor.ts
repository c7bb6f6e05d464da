import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { Verification, VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parsePlivoPayload } from './plivo-payload';
import { plivoSender } from './plivo-send';
import { verifyPlivoSignature } from './plivo-signature';
import { PLIVO_ACK, PLIVO_FORM, PLIVO_VENDOR_NAME } from './plivo.constants';
import { PlivoSettings } from './plivo.settings';

/** Plivo message webhooks (inbound SMS/MMS, status callbacks), signed V3 or V2. Stateless. */
@Injectable()
@RegisterVendor()
export class PlivoVendor implements WebhookVendor<PlivoSettings> {
  readonly name = PLIVO_VENDOR_NAME;
  readonly settingsClass = PlivoSettings;
  readonly secretSettings: readonly (keyof PlivoSettings)[] = ['authToken'];
  readonly contentTypes: readonly string[] = [PLIVO_FORM];
  readonly sender = plivoSender;

  verify(request: WebhookRequest, settings: PlivoSettings): Verification {
    return verifyPlivoSignature(request, {
      authToken: settings.authToken,
      version: settings.signatureVersion,
    });
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parsePlivoPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...PLIVO_ACK };
  }
}
