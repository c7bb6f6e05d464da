import { Logger } from '@nestjs/common';
import {
  OutboundRefusedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { OutboundFailedError } from '../../allowlist/outbound/outbound-errors';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { assertSubscribeUrl } from './aws-sns-urls';

const CONFIRM_TIMEOUT_MS = 8_000;

const logger = new Logger('AwsSns');

/**
 * Confirms a subscription by GET of its (signed, verified) SubscribeURL through the outbound
 * allowlist. Runs for every delivery of the confirmation: visiting the URL again is harmless,
 * and remembering that it was visited would be state. A refusal by AWS (expired token) is 422;
 * a network failure or an AWS 5xx is passed on, so SNS sends the confirmation again.
 *
 * A SubscribeURL the outbound allowlist refuses is the gateway's own configuration, which no
 * resend changes: the OutboundRefusedError is answered 403 (outbound-refused), a 4xx that SNS
 * does not retry, and one error line names the host an admin must list.
 */
export async function confirmSubscription(
  subscribeUrl: string,
  http: OutboundHttp,
  topicArn?: string,
): Promise<void> {
  const url = assertSubscribeUrl(subscribeUrl);
  let response;
  try {
    response = await http.request({
      url: url.href,
      purpose: 'sns-subscription-confirmation',
      timeoutMs: CONFIRM_TIMEOUT_MS,
      maxResponseBytes: 64 * 1024,
    });
  } catch (error) {
    if (error instanceof OutboundRefusedError) logRefusedConfirmation(url, error, topicArn);
    throw error;
  }
  const target = url.origin + url.pathname;
  if (response.status >= 500) throw new OutboundFailedError(target, `answered ${response.status}`);
  if (response.status < 200 || response.status > 299) {
    throw new UnprocessablePayloadError(`SubscribeURL answered ${response.status}`);
  }
}

function logRefusedConfirmation(url: URL, error: OutboundRefusedError, topicArn?: string): void {
  logger.error({
    event: 'sns-subscription-unconfirmed',
    msg:
      `AWS SNS subscription${topicArn ? ` to ${topicArn}` : ''} NOT confirmed: the outbound ` +
      `allowlist refused ${url.hostname} (${error.reason}). Add ${url.hostname} to ` +
      'ALLOWLIST_OUTBOUND_TARGETS (allowlist.outbound.targets), reload (SIGHUP) or restart, ' +
      'then have SNS send the confirmation again (console: Request confirmation); SNS does ' +
      'not resend it by itself.',
    host: url.hostname,
    topicArn,
    reason: error.reason,
  });
}
