import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SourceNotAllowedError } from '../../common/problem/gateway-error';
import { clientOf } from './forwarded-client';
import { InboundAllowService } from './inbound-allow.service';
import { INBOUND_TRUSTED_PROXIES } from './inbound-allow.tokens';
import { isTrustedPeer, type TrustedProxies } from './trusted-proxies';

/**
 * Step 1 of a webhook: the inbound allow rules. The client address is read by `clientOf`: the
 * socket's peer, or X-Forwarded-For hop by hop through trusted proxies only, with a broken
 * element making the client unknown (denied wherever a rule covers the path). The VCN OCID
 * header is read only when the TCP peer itself is a trusted proxy: from anyone else it is
 * ignored, so setting it gains nothing.
 *
 * A refusal is a SourceNotAllowedError (403) with a short message; the whole decision goes to
 * `logDetails`, for the log only.
 */
@Injectable()
export class InboundAllowGuard implements CanActivate {
  constructor(
    private readonly allow: InboundAllowService,
    @Inject(INBOUND_TRUSTED_PROXIES) private readonly trustedProxies: TrustedProxies,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    let vcnOcid: string | undefined;
    if (isTrustedPeer(request.socket?.remoteAddress, this.trustedProxies)) {
      const header = request.headers[this.allow.vcnOcidHeader];
      // Repeated headers are ambiguous (which hop added which?): none is believed.
      if (typeof header === 'string') vcnOcid = header.trim();
    }
    const reading = clientOf(request, this.trustedProxies);
    const decision = this.allow.decide({
      path: request.url,
      // An unknown client is judged by the element that broke the chain: never an address.
      address: reading.client ?? reading.unreadable ?? '',
      vcnOcid,
    });
    if (decision.allowed) return true;
    const error = new SourceNotAllowedError(
      'the request does not come from a source allowed to call this path',
    );
    error.logDetails = { decision, ...(reading.hops > 0 ? { forwarded: reading } : {}) };
    throw error;
  }
}
