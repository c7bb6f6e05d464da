import { Logger } from '@nestjs/common';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import type { AdminPrincipal } from './session/admin-principal';
import type { AdminJwtSettings } from '../config/admin.settings';
import { JwksUnavailableError, type RemoteJwks } from './remote-jwks';

/**
 * Checks an admin bearer JWT: an allowed asymmetric `alg`, a signature by a key of the identity
 * domain's JWKS, the configured `iss` and `aud`, a present and unexpired `exp` (with the
 * configured clock tolerance), and the required scope when one is configured. Every refusal
 * says which check failed and never echoes the token or its claims.
 */
export class JwtAdminVerifier {
  private readonly logger = new Logger('AdminAuth');

  constructor(
    private readonly settings: Required<Pick<AdminJwtSettings, 'issuer' | 'audience'>> &
      AdminJwtSettings,
    private readonly keys: RemoteJwks,
  ) {}

  async verify(token: string): Promise<AdminPrincipal> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AdminUnauthorizedError('the bearer token is not a JWT');
    }
    // Checked before any key lookup: `none` and HS* must never reach a verifier, and a refusal
    // should not cost a JWKS fetch.
    if (typeof alg !== 'string' || !this.settings.algorithms.includes(alg)) {
      throw new AdminUnauthorizedError(
        `the token's signature algorithm is not allowed (allowed: ${this.settings.algorithms.join(', ')})`,
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.keyFor, {
        algorithms: this.settings.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    if (this.settings.requiredScope && !scopes(payload).includes(this.settings.requiredScope)) {
      throw new AdminUnauthorizedError('the token lacks the required scope');
    }
    const subject =
      typeof payload.sub === 'string'
        ? payload.sub
        : typeof payload.client_id === 'string'
          ? payload.client_id
          : undefined;
    if (!subject) throw new AdminUnauthorizedError('the token names no subject (sub)');
    return { subject, mode: 'jwt' };
  }

  private refusal(error: unknown): AdminUnauthorizedError {
    if (error instanceof errors.JWTExpired) return new AdminUnauthorizedError('the token expired');
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') {
        return new AdminUnauthorizedError(`the token has no "${error.claim}" claim`);
      }
      switch (error.claim) {
        case 'iss':
          return new AdminUnauthorizedError('the token is from another issuer');
        case 'aud':
          return new AdminUnauthorizedError('the token is for another audience');
        case 'nbf':
          return new AdminUnauthorizedError('the token is not valid yet');
        default:
          return new AdminUnauthorizedError(`the token's "${error.claim}" claim is invalid`);
      }
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return new AdminUnauthorizedError('the token signature is wrong');
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return new AdminUnauthorizedError("the token's signature algorithm is not allowed");
    }
    if (
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JWKSMultipleMatchingKeys
    ) {
      return new AdminUnauthorizedError(
        'the token was signed with a key the identity domain does not list',
      );
    }
    if (error instanceof JwksUnavailableError) {
      this.logger.error(`admin tokens cannot be checked: ${error.message}`);
      return new AdminUnauthorizedError(
        "the identity domain's signing keys are unavailable; try again later",
      );
    }
    if (error instanceof errors.JOSEError) {
      return new AdminUnauthorizedError('the bearer token is not a valid JWT');
    }
    this.logger.error({ msg: 'admin token check failed unexpectedly', err: error });
    return new AdminUnauthorizedError('the token could not be checked');
  }
}

/** IDCS puts scopes in `scope` (space separated); others use an `scp` list. */
function scopes(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp))
    return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}
