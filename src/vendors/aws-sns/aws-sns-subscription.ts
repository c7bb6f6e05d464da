import { UnprocessablePayloadError } from '../../common/problem/gateway-error';
import { OutboundFailedError } from '../../allowlist/outbound/outbound-errors';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { assertSubscribeUrl } from './aws-sns-urls';

const CONFIRM_TIMEOUT_MS = 8_000;

/**
 * Confirms a subscription by GET of its (signed, verified) SubscribeURL through the outbound
 * allowlist. Runs for every delivery of the confirmation: visiting the URL again is harmless,
 * and remembering that it was visited would be state. A refusal by AWS (expired token) is 422;
 * a network failure or an AWS 5xx is passed on, so SNS sends the confirmation again.
 */
export async function confirmSubscription(subscribeUrl: string, http: OutboundHttp): Promise<void> {
  const url = assertSubscribeUrl(subscribeUrl);
  const response = await http.request({
    url: url.href,
    purpose: 'sns-subscription-confirmation',
    timeoutMs: CONFIRM_TIMEOUT_MS,
    maxResponseBytes: 64 * 1024,
  });
  const target = url.origin + url.pathname;
  if (response.status >= 500) throw new OutboundFailedError(target, `answered ${response.status}`);
  if (response.status < 200 || response.status > 299) {
    throw new UnprocessablePayloadError(`SubscribeURL answered ${response.status}`);
  }
}
