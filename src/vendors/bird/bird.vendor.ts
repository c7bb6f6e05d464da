import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseBirdPayload } from './bird-payload';
import { BirdSender } from './bird-send';
import { verifyBirdSignature } from './bird-signature';
import { BIRD_ACK, BIRD_VENDOR_NAME } from './bird.constants';
import { BirdSettings } from './bird.settings';

/**
 * Bird (the platform after MessageBird) notifications signed with `messagebird-signature`;
 * replies go out through `BirdSender` (Channels API). Stateless.
 */
@Injectable()
@RegisterVendor()
export class BirdVendor implements WebhookVendor<BirdSettings> {
  readonly name = BIRD_VENDOR_NAME;
  readonly settingsClass = BirdSettings;
  readonly secretSettings: readonly (keyof BirdSettings)[] = ['signingKey', 'accessKey'];
  readonly contentTypes: readonly string[] = ['application/json'];
  readonly sender = new BirdSender();

  verify(request: WebhookRequest, settings: BirdSettings): void {
    verifyBirdSignature(request, settings.signingKey);
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseBirdPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...BIRD_ACK };
  }
}
