import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { SignatureRejectedError } from '../common/problem/gateway-error';
import '../intake/webhook-context';

export const VENDOR_SIGNATURE = 'vendor-signature';

/** The authenticated party of a webhook: the vendor whose signature checked out. */
export interface VerifiedVendor {
  vendor: string;
}

/**
 * Passport strategy for vendor webhooks. It knows no signature scheme itself: it asks the
 * vendor module's verifier, which throws a SignatureRejectedError naming the failed check.
 */
@Injectable()
export class VendorSignatureStrategy extends PassportStrategy(Strategy, VENDOR_SIGNATURE) {
  async validate(request: FastifyRequest): Promise<VerifiedVendor> {
    const webhook = request.webhook;
    if (!webhook) throw new Error('VendorRequestGuard must run before the signature check');
    const { vendor, services } = webhook.enabled;
    try {
      webhook.verification =
        (await vendor.verify(webhook.request, webhook.enabled.settings(), services)) ?? {};
    } catch (error) {
      // During a secret rotation's overlap, a vendor may still sign with the old secret.
      const previous = webhook.enabled.previousSettings();
      if (!(error instanceof SignatureRejectedError) || !previous) throw error;
      webhook.verification = (await vendor.verify(webhook.request, previous, services)) ?? {};
    }
    return { vendor: webhook.request.vendor };
  }
}
