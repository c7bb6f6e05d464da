import { Injectable } from '@nestjs/common';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { InboundMessage } from '../../messages/inbound-message';
import { assertBasicAuth } from '../kit/verification';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, VendorServices, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parseInfobipPayload } from './infobip-payload';
import { InfobipSender } from './infobip-send';
import { INFOBIP_ACK, INFOBIP_VENDOR_NAME } from './infobip.constants';
import { InfobipSettings } from './infobip.settings';

/**
 * Infobip inbound SMS and delivery reports; replies go out through `InfobipSender`. Infobip
 * signs nothing by default, so a request is authentic when it carries the configured Basic
 * credentials, or (with none configured) when it came from a source on
 * `vendors.infobip.allowedSources`, which the gateway checks before this. Stateless.
 */
@Injectable()
@RegisterVendor()
export class InfobipVendor implements WebhookVendor<InfobipSettings> {
  readonly name = INFOBIP_VENDOR_NAME;
  readonly settingsClass = InfobipSettings;
  readonly secretSettings: readonly (keyof InfobipSettings)[] = [
    'password',
    'previousPassword',
    'apiKey',
  ];
  readonly contentTypes: readonly string[] = ['application/json'];
  readonly sender = new InfobipSender();

  verify(request: WebhookRequest, settings: InfobipSettings, services: VendorServices): void {
    if (settings.username !== undefined && settings.password !== undefined) {
      const passwords = [settings.password, settings.previousPassword].filter(
        (password): password is string => password !== undefined,
      );
      assertBasicAuth(request, settings.username, passwords);
      return;
    }
    if (!services.sourceListed) {
      throw new SignatureRejectedError(
        'no credentials are configured for infobip (vendors.infobip.username/password) and no ' +
          'source list (vendors.infobip.allowedSources): nothing can authenticate this request',
      );
    }
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parseInfobipPayload(request);
  }

  acknowledge(): VendorAck {
    return { ...INFOBIP_ACK };
  }
}
