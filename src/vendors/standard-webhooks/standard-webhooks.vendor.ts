import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { decodePublicKey, decodeSecret } from './standard-webhooks-keys';
import { parseStandardWebhooksPayload } from './standard-webhooks-payload';
import { verifyStandardWebhooksSignature } from './standard-webhooks-signature';
import {
  STANDARD_WEBHOOKS_ACK,
  STANDARD_WEBHOOKS_VENDOR_NAME,
} from './standard-webhooks.constants';
import { StandardWebhooksSettings } from './standard-webhooks.settings';

/**
 * Any sender following the Standard Webhooks spec (standardwebhooks.com): `v1` HMAC-SHA256
 * and/or `v1a` Ed25519 signatures over id, timestamp and body. Stateless.
 */
@Injectable()
@RegisterVendor()
export class StandardWebhooksVendor implements WebhookVendor<StandardWebhooksSettings> {
  readonly name = STANDARD_WEBHOOKS_VENDOR_NAME;
  readonly settingsClass = StandardWebhooksSettings;
  readonly secretSettings: readonly (keyof StandardWebhooksSettings)[] = ['secret'];
  readonly contentTypes: readonly string[] = ['application/json'];

  verify(request: WebhookRequest, settings: StandardWebhooksSettings): void {
    // Settings were validated at start-up, so both decode; they are cheap to decode again.
    verifyStandardWebhooksSignature(request, {
      hmacKey: settings.secret === undefined ? undefined : decodeSecret(settings.secret),
      publicKey: settings.publicKey === undefined ? undefined : decodePublicKey(settings.publicKey),
    });
  }

  parse(request: WebhookRequest, settings: StandardWebhooksSettings): InboundMessage[] {
    return parseStandardWebhooksPayload(request, settings);
  }

  acknowledge(): VendorAck {
    return { ...STANDARD_WEBHOOKS_ACK };
  }
}
