import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { undecodedContentCodings } from './content-encoding';
import { VendorRegistry } from '../vendors/vendor-registry';
import './webhook-context';

/**
 * First step of a webhook: the vendor must be enabled (404) and send one of its media types,
 * unencoded (415): nothing is verified nor stored before this.
 * It also freezes what the vendor module will see, with the URL rebuilt from the configured
 * public base URL, since the signature covers the URL the vendor called.
 */
@Injectable()
export class VendorRequestGuard implements CanActivate {
  private readonly publicBase: string;

  constructor(
    private readonly registry: VendorRegistry,
    config: GatewayConfig,
  ) {
    this.publicBase = (config.server.publicBaseUrl ?? '').replace(/\/+$/, '');
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest<{ Params: { name: string } }>>();
    const name = request.params.name;
    const enabled = this.registry.get(name);
    if (!enabled) {
      throw new GatewayError(ProblemCode.UnknownVendor, `no enabled vendor is called '${name}'`);
    }
    const contentType = mediaType(request.headers['content-type']);
    if (!enabled.vendor.contentTypes.includes(contentType)) {
      throw new GatewayError(
        ProblemCode.UnsupportedMediaType,
        `${name} webhooks must be ${enabled.vendor.contentTypes.join(' or ')}, not ${contentType || 'without a content type'}`,
      );
    }
    const codings = undecodedContentCodings(request.headers['content-encoding']);
    if (codings.length > 0) {
      // RFC 9110 §15.5.16: a 415 for a content coding names the codings that would do.
      void context.switchToHttp().getResponse<FastifyReply>().header('accept-encoding', 'identity');
      throw new GatewayError(
        ProblemCode.UnsupportedMediaType,
        `${name} webhooks must not be encoded; Content-Encoding ${codings.join(', ')} is not decoded here`,
      );
    }
    const queryAt = request.url.indexOf('?');
    request.webhook = {
      enabled,
      request: {
        vendor: name,
        method: request.method,
        publicUrl: this.publicBase + request.url,
        query: queryAt === -1 ? '' : request.url.slice(queryAt + 1),
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        contentType,
        headers: request.headers,
        receivedAt: new Date(),
      },
    };
    return true;
  }
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0].trim().toLowerCase();
}
