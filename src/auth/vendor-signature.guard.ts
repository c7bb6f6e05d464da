import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { SignatureRejectedError } from '../common/problem/gateway-error';
import { VENDOR_SIGNATURE } from './vendor-signature.strategy';

@Injectable()
export class VendorSignatureGuard extends AuthGuard(VENDOR_SIGNATURE) {
  /** Keeps the verifier's own error (which check failed) instead of a bare 401. */
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new SignatureRejectedError('the signature check failed');
    if (!user) throw new SignatureRejectedError('the request is not authenticated');
    return user;
  }
}
