import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';

/** An allowed outbound call that did not finish within its time limit. */
export class OutboundTimeoutError extends GatewayError {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(
      ProblemCode.UpstreamTimeout,
      `outbound call to ${target} timed out after ${timeoutMs} ms`,
      {
        target,
      },
    );
  }
}

/**
 * An allowed outbound call that failed on the way: connection refused or reset, DNS failure, a
 * response larger than allowed. `cause` is a short code (e.g. ECONNREFUSED), never a body.
 */
export class OutboundFailedError extends GatewayError {
  constructor(
    readonly target: string,
    readonly failure: string,
  ) {
    super(ProblemCode.Internal, `outbound call to ${target} failed: ${failure}`, { target });
  }
}

/** Codes Node's TLS layer gives a certificate it does not accept. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|HOSTNAME/;

/** A TLS error meaning the peer's certificate was not verified: a refusal, not a network fault. */
export function certificateErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CERTIFICATE_ERROR.test(code) ? code : undefined;
}
