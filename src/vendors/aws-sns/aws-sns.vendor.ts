import { Injectable } from '@nestjs/common';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { InboundMessage } from '../../messages/inbound-message';
import { assertFresh, matchesAny, requiredHeader } from '../kit/verification';
import { RegisterVendor } from '../vendor.decorator';
import type { VendorAck, VendorServices, WebhookRequest, WebhookVendor } from '../webhook-vendor';
import { currentPublicKey, signingCertificate } from './aws-sns-certificates';
import { readSnsEnvelope } from './aws-sns-envelope';
import { parseTwoWaySms } from './aws-sns-payload';
import { assertSnsSignature, snsDigest } from './aws-sns-signature';
import { confirmSubscription } from './aws-sns-subscription';
import { assertSigningCertUrl } from './aws-sns-urls';
import {
  AWS_SNS_ACK,
  AWS_SNS_MESSAGE_TYPE_HEADER,
  AWS_SNS_TOLERANCE_MS,
  AWS_SNS_VENDOR_NAME,
  SNS_NOTIFICATION,
  SNS_SUBSCRIPTION_CONFIRMATION,
} from './aws-sns.constants';
import { AwsSnsSettings } from './aws-sns.settings';

/** SNS writes times as ISO 8601 in UTC with milliseconds; nothing looser is read as one. */
const SNS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * Amazon SNS HTTPS subscriptions, e.g. AWS End User Messaging (Pinpoint) two-way SMS published
 * to a topic. Each message is signed by AWS (RSA, SHA1 or SHA256) with a certificate fetched
 * from an SNS host; subscriptions are confirmed, unsubscriptions acknowledged. No nonce: SNS
 * retries resend the same MessageId, which the inbox deduplicates. Stateless but for a cache of
 * AWS's public certificates (aws-sns-certificates.ts).
 */
@Injectable()
@RegisterVendor()
export class AwsSnsVendor implements WebhookVendor<AwsSnsSettings> {
  readonly name = AWS_SNS_VENDOR_NAME;
  readonly settingsClass = AwsSnsSettings;
  readonly secretSettings: readonly (keyof AwsSnsSettings)[] = [];
  // SNS sends text/plain by default; a delivery policy's headerContentType may set JSON.
  readonly contentTypes: readonly string[] = ['text/plain', 'application/json'];

  /** Cheap checks first, so a forged message costs no certificate download. */
  async verify(
    request: WebhookRequest,
    settings: AwsSnsSettings,
    services: VendorServices,
  ): Promise<void> {
    const envelope = readSnsEnvelope(request);
    if (requiredHeader(request, AWS_SNS_MESSAGE_TYPE_HEADER) !== envelope.Type) {
      throw new SignatureRejectedError(
        `${AWS_SNS_MESSAGE_TYPE_HEADER} header does not match the message Type`,
      );
    }
    if (!matchesAny(envelope.TopicArn, settings.topicArns)) {
      throw new SignatureRejectedError('TopicArn is not one of the configured topicArns');
    }
    if (!SNS_TIMESTAMP.test(envelope.Timestamp)) {
      throw new SignatureRejectedError('Timestamp is not an SNS time');
    }
    assertFresh(
      Date.parse(envelope.Timestamp),
      request.receivedAt,
      AWS_SNS_TOLERANCE_MS,
      'Timestamp',
    );
    snsDigest(envelope.SignatureVersion);
    const certificateUrl = assertSigningCertUrl(envelope.SigningCertURL);
    const certificate = await signingCertificate(
      certificateUrl,
      services.http,
      request.receivedAt.getTime(),
    );
    assertSnsSignature(envelope, currentPublicKey(certificate, request.receivedAt));
  }

  /**
   * Runs only after verify accepted the same body. A notification is one message; a
   * subscription confirmation is confirmed and an unsubscribe confirmation ignored, both
   * acknowledged with nothing stored.
   */
  async parse(
    request: WebhookRequest,
    _settings: AwsSnsSettings,
    services: VendorServices,
  ): Promise<InboundMessage[]> {
    const envelope = readSnsEnvelope(request);
    if (envelope.Type === SNS_NOTIFICATION) return [parseTwoWaySms(envelope, request.receivedAt)];
    if (envelope.Type === SNS_SUBSCRIPTION_CONFIRMATION && envelope.SubscribeURL !== undefined) {
      await confirmSubscription(envelope.SubscribeURL, services.http, envelope.TopicArn);
    }
    return [];
  }

  acknowledge(): VendorAck {
    return { ...AWS_SNS_ACK };
  }
}
