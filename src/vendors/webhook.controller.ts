import { Controller, Optional, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VendorSignatureGuard } from '../auth/vendor-signature.guard';
import type { ReplayClaim } from '../inbox/inbox-store.port';
import { InboxService } from '../inbox/inbox.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { WebhookThrottlerGuard } from '../throttle/webhook-throttler.guard';
import { assertValidMessages } from './inbound-message.validation';
import { VendorRequestGuard } from './vendor-request.guard';
import './webhook-context';
import type { Verification } from './webhook-vendor';

/** Remembered at least this long even if a vendor asks for less: replays come within minutes. */
const MIN_REPLAY_TTL_MS = 10 * 60 * 1000;

/** Replay keys are per vendor, so two vendors' nonces never collide. */
function replayClaim(
  vendor: string,
  verification: Verification,
  receivedAt: Date,
): ReplayClaim | undefined {
  if (verification.replayKey === undefined) return undefined;
  const ttl = Math.max(verification.replayTtlMs ?? 0, MIN_REPLAY_TTL_MS);
  return { key: `${vendor}:${verification.replayKey}`, expiresAt: receivedAt.getTime() + ttl };
}

/**
 * `POST /vendors/:name/webhook`: vendor and media type checked, signature verified, payload
 * parsed and validated, messages committed, and only then the vendor's own success reply. A
 * retry of a message already held gets the same reply and stores nothing new.
 */
@Controller('vendors')
export class WebhookController {
  constructor(
    private readonly inbox: InboxService,
    // Optional: an app built without MetricsModule still takes webhooks, uncounted.
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  @Post(':name/webhook')
  // The inbound allow rules ran already (a global guard); then rate limits, then the vendor.
  @UseGuards(WebhookThrottlerGuard, VendorRequestGuard, VendorSignatureGuard)
  async receive(
    // No @Param: Nest runs every pipeable parameter through its (here empty) pipe chain, per
    // request; VendorRequestGuard has already read the name into the webhook context.
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { enabled, request: webhook, verification = {} } = request.webhook!;
    const name = webhook.vendor;
    const messages = await enabled.vendor.parse(webhook, enabled.settings(), enabled.services);
    assertValidMessages(name, messages);
    const { outcomes } = await this.inbox.accept(
      messages,
      replayClaim(name, verification, webhook.receivedAt),
    );
    this.metrics?.webhookAccepted(name, outcomes);
    const ack = enabled.vendor.acknowledge(messages, webhook);
    void reply.status(ack.status).header('content-type', ack.contentType);
    return ack.body;
  }
}
