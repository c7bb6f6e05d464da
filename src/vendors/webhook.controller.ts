import { Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VendorSignatureGuard } from '../auth/vendor-signature.guard';
import { InboxService } from '../inbox/inbox.service';
import { assertValidMessages } from './inbound-message.validation';
import { VendorRequestGuard } from './vendor-request.guard';
import './webhook-context';

/**
 * `POST /vendors/:name/webhook`: vendor and media type checked, signature verified, payload
 * parsed and validated, messages committed, and only then the vendor's own success reply. A
 * retry of a message already held gets the same reply and stores nothing new.
 */
@Controller('vendors')
export class WebhookController {
  constructor(private readonly inbox: InboxService) {}

  @Post(':name/webhook')
  @UseGuards(VendorRequestGuard, VendorSignatureGuard)
  async receive(
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { enabled, request: webhook } = request.webhook!;
    const messages = enabled.vendor.parse(webhook, enabled.settings);
    assertValidMessages(name, messages);
    await this.inbox.accept(messages);
    const ack = enabled.vendor.acknowledge(messages, webhook);
    void reply.status(ack.status).header('content-type', ack.contentType);
    return ack.body;
  }
}
