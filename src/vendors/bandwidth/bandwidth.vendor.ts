import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { assertBasicAuth } from '../kit/verification';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseBandwidthPayload } from './bandwidth-payload';
import { BandwidthSender } from './bandwidth-send';
import { BANDWIDTH_ACK, BANDWIDTH_VENDOR_NAME } from './bandwidth.constants';
import { BandwidthSettings } from './bandwidth.settings';

/**
 * Bandwidth messaging callbacks. Bandwidth signs nothing: the callback carries the Basic
 * credentials configured on the messaging application. Replies go through the Messaging API
 * (`sender`). Stateless.
 */
@Injectable()
@RegisterVendor()
export class BandwidthVendor implements WebhookVendor<BandwidthSettings> {
  readonly name = BANDWIDTH_VENDOR_NAME;
  readonly settingsClass = BandwidthSettings;
  readonly secretSettings: readonly (keyof BandwidthSettings)[] = [
    'password',
    'previousPassword',
    'apiPassword',
  ];
  readonly contentTypes: readonly string[] = ['application/json'];
  readonly sender = new BandwidthSender();

  verify(request: WebhookRequest, settings: BandwidthSettings): void {
    const passwords = [settings.password, settings.previousPassword].filter(
      (password): password is string => password !== undefined,
    );
    assertBasicAuth(request, settings.username, passwords);
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseBandwidthPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...BANDWIDTH_ACK };
  }
}
