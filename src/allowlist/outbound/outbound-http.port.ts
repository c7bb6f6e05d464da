/**
 * The one way gateway code makes an outbound HTTP call (B2C, OCI Vault, JWKS, certificate and
 * media fetches). Every implementation applies the outbound target allowlist before a socket is
 * opened, and never follows a redirect off the list.
 */
export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Readonly<Record<string, string>>;
  body?: Buffer | string;
  /** Whole-exchange timeout; the implementation has a default. */
  timeoutMs?: number;
  /** Largest response body read; a longer body fails the call. The implementation has a default. */
  maxResponseBytes?: number;
  /** Why the call is made, for logs and refusals, e.g. 'jwks', 'sns-certificate'. */
  purpose: string;
}

export interface OutboundResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface OutboundHttp {
  /**
   * Rejects with `OutboundRefusedError` (target off the list, or its TLS certificate not
   * accepted), `OutboundTimeoutError` or `OutboundFailedError` (network error, response too
   * large); see `outbound-errors.ts`. A 3xx is returned as it came: redirects are never followed.
   */
  request(request: OutboundRequest): Promise<OutboundResponse>;
}

export const OUTBOUND_HTTP = Symbol('OUTBOUND_HTTP');
