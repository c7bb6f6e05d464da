import { Controller, Inject, Optional, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VendorSignatureGuard } from '../auth/vendor-signature.guard';
import { ProblemCode } from '../common/problem/gateway-error';
import { InboxService } from '../inbox/inbox.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ANY_ROUTE_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { WebhookThrottlerGuard } from '../throttle/webhook-throttler.guard';
import { WEBHOOK_TRACING, type WebhookTracing } from '../tracing/webhook-tracing.port';
import { assertValidMessages } from '../messages/inbound-message.validation';
import { refuseReplay, replayClaim } from './replay-refusal';
import { VendorRequestGuard } from './vendor-request.guard';
import './webhook-context';

/** What vendors send and expect back: each vendor module parses and answers its own format. */
const VENDOR_MEDIA_TYPES = ['application/x-www-form-urlencoded', 'application/json'];
const ACKNOWLEDGEMENT_MEDIA_TYPES = [
  'text/xml',
  'application/xml',
  'application/json',
  'text/plain',
];

/**
 * `POST /vendors/:name/webhook`: vendor and media type checked, signature verified, payload
 * parsed and validated, messages committed, and only then the vendor's own success reply. A
 * retry of a message already held gets the same reply and stores nothing new.
 */
@ApiTags('webhooks')
@Controller('vendors')
export class WebhookController {
  constructor(
    private readonly inbox: InboxService,
    // Optional: an app built without MetricsModule still takes webhooks, uncounted.
    @Optional() private readonly metrics?: GatewayMetrics,
    // Provided only while tracing is on.
    @Optional() @Inject(WEBHOOK_TRACING) private readonly tracing?: WebhookTracing,
  ) {}

  @Post(':name/webhook')
  @ApiOperation({
    summary: "A vendor's webhook: verified, stored, then acknowledged",
    description:
      "Authenticated by the vendor's own signature over the exact bytes (no admin " +
      'credentials). The messages are committed before the answer; a retry of a message ' +
      "already held gets the same answer and stores nothing. See VENDORS.md for each vendor's " +
      'payloads and signature headers.',
  })
  @ApiParam({ name: 'name', description: 'An enabled vendor', example: 'twilio' })
  @ApiConsumes(...VENDOR_MEDIA_TYPES)
  @ApiBody({
    description: 'The payload exactly as the vendor sends it: its signature covers these bytes.',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({
    description:
      "The vendor's own acknowledgement (Twilio: `<Response/>` as text/xml); some vendors " +
      'expect another 2xx status or an empty body.',
    content: Object.fromEntries(
      ACKNOWLEDGEMENT_MEDIA_TYPES.map((type) => [type, { schema: { type: 'string' } }]),
    ),
  })
  @ApiProblemResponses(
    ProblemCode.MalformedPayload,
    ProblemCode.BadRequest,
    ProblemCode.SignatureRejected,
    ProblemCode.UnknownVendor,
    ProblemCode.PayloadTooLarge,
    ProblemCode.UnsupportedMediaType,
    ProblemCode.UnprocessablePayload,
    ProblemCode.Throttled,
    ProblemCode.OutboundRefused,
    ProblemCode.StoreUnavailable,
    ProblemCode.UpstreamTimeout,
    ...ANY_ROUTE_PROBLEMS,
  )
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
    const { outcomes } = refuseReplay(
      await this.inbox.accept(
        this.tracing ? this.tracing.beforeCommit(request, messages) : messages,
        replayClaim(name, verification, webhook.receivedAt),
      ),
    );
    this.tracing?.committed(request, outcomes);
    this.metrics?.webhookAccepted(name, outcomes);
    const ack = enabled.vendor.acknowledge(messages, webhook);
    void reply.status(ack.status).header('content-type', ack.contentType);
    return ack.body;
  }
}
