import { Injectable } from '@nestjs/common';
import type { InboundMessage } from '../../messages/inbound-message';
import { RegisterVendor } from '../vendor.decorator';
import type { Verification, VendorAck, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { parse__Name__Payload } from './__name__-payload';
import { verify__Name__Signature } from './__name__-signature';
// @send-begin
import { __camel__Sender } from './__name__-send';
// @send-end
import { __NAME___ACK, __NAME___VENDOR_NAME } from './__name__.constants';
import { __Name__Settings } from './__name__.settings';

/** TODO(vendor): one line on what this vendor sends. Stateless. */
@Injectable()
@RegisterVendor()
export class __Name__Vendor implements WebhookVendor<__Name__Settings> {
  readonly name = __NAME___VENDOR_NAME;
  readonly settingsClass = __Name__Settings;
  // @send-begin
  readonly secretSettings: readonly (keyof __Name__Settings)[] = ['signingSecret', 'apiKey'];
  readonly sender = __camel__Sender;
  // @send-else
  readonly secretSettings: readonly (keyof __Name__Settings)[] = ['signingSecret'];
  // @send-end
  readonly contentTypes: readonly string[] = ['application/json'];

  verify(request: WebhookRequest, settings: __Name__Settings): Verification {
    return verify__Name__Signature(request, settings.signingSecret);
  }

  parse(request: WebhookRequest): InboundMessage[] {
    return parse__Name__Payload(request);
  }

  acknowledge(): VendorAck {
    return { ...__NAME___ACK };
  }
}
