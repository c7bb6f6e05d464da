import { Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type KeyLike,
} from 'jose';
import type { OutboundHttp } from '../allowlist/outbound/outbound-http.port';

export interface JwksCacheOptions {
  url: string;
  maxAgeMs: number;
  /** Least time between two fetches caused by an unknown key id. */
  refreshCooldownMs: number;
  timeoutMs: number;
  now?: () => number;
}

type KeyResolver = (header?: JWSHeaderParameters, token?: FlattenedJWSInput) => Promise<KeyLike>;

/** The key set could not be fetched or read; the message names the cause, never a token. */
export class JwksUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksUnavailableError';
  }
}

/**
 * The identity domain's signing keys, fetched through the outbound allowlist (so not with jose's
 * createRemoteJWKSet, which opens its own connections). Fetched on first use, again after
 * `maxAgeMs`, and early when a token names a key id the set does not hold (a key rotation), at
 * most once per `refreshCooldownMs`. Concurrent callers share one fetch.
 */
export class JwksCache {
  private readonly logger = new Logger('AdminJwks');
  private readonly now: () => number;
  private resolver?: KeyResolver;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<KeyResolver>;
  /** Fetches made, for tests and diagnostics. */
  fetches = 0;

  constructor(
    private readonly http: OutboundHttp,
    private readonly options: JwksCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** For jose's jwtVerify: the key the header names, after at most one refresh. */
  readonly keyFor: KeyResolver = async (header, token) => {
    const resolver = await this.current();
    try {
      return await resolver(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (!this.mayRefreshForUnknownKid()) throw error;
      const refreshed = await this.refresh();
      return refreshed(header, token);
    }
  };

  private async current(): Promise<KeyResolver> {
    if (this.resolver && this.now() - this.fetchedAt < this.options.maxAgeMs) return this.resolver;
    try {
      return await this.refresh();
    } catch (error) {
      // A stale key set still verifies tokens signed with the keys it holds; better than none.
      if (!this.resolver) throw error;
      this.logger.warn(`keeping the previous key set: ${(error as Error).message}`);
      this.fetchedAt = this.now();
      return this.resolver;
    }
  }

  /** A set younger than the cooldown is taken as the identity domain's latest word. */
  private mayRefreshForUnknownKid(): boolean {
    return (
      this.inFlight !== undefined || this.now() - this.fetchedAt >= this.options.refreshCooldownMs
    );
  }

  private refresh(): Promise<KeyResolver> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<KeyResolver> {
    this.fetches += 1;
    const response = await this.http
      .request({
        method: 'GET',
        url: this.options.url,
        headers: { accept: 'application/json' },
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: 512 * 1024,
        purpose: 'admin-jwks',
      })
      .catch((error: unknown) => {
        throw new JwksUnavailableError(
          `the JWKS could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    if (response.status !== 200) {
      throw new JwksUnavailableError(`the JWKS answered ${response.status}`);
    }
    let keySet: unknown;
    try {
      keySet = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new JwksUnavailableError('the JWKS is not JSON');
    }
    if (!isKeySet(keySet)) throw new JwksUnavailableError('the JWKS holds no "keys" list');
    const resolver = createLocalJWKSet(keySet);
    this.resolver = resolver;
    this.fetchedAt = this.now();
    return resolver;
  }
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)
  );
}
