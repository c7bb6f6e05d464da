import type { Agent as HttpAgent } from 'node:http';
import { types } from 'node:util';
import { Logger } from '@nestjs/common';
import {
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  jwksCache,
  type KeyLike,
} from 'jose';
import type { OutboundGuard } from '../allowlist/outbound/outbound-guard';

export interface RemoteJwksOptions {
  url: string;
  maxAgeMs: number;
  /** Least time between two fetches caused by an unknown key id. */
  refreshCooldownMs: number;
  timeoutMs: number;
  /** Names the caller in the outbound guard's refusal log. */
  purpose: string;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** The key set could not be fetched or read; the message names the cause, never a token. */
export class JwksUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksUnavailableError';
  }
}

/**
 * The identity domain's signing keys, with jose's remote JWK set: fetched on first use, again
 * after `maxAgeMs`, early when a token names a key id the set does not hold (a key rotation) at
 * most once per `refreshCooldownMs`, concurrent callers sharing one fetch. jose connects through
 * the outbound guard's agent, which refuses a host or port off the allowlist at connect time;
 * the whole URL (path prefix included) is checked before every fetch that max age calls for.
 */
export class RemoteJwks {
  private readonly logger = new Logger('AdminJwks');
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private keys: KeySet;

  constructor(
    private readonly guard: OutboundGuard,
    private readonly options: RemoteJwksOptions,
  ) {
    this.url = new URL(options.url);
    // node:https refuses an http agent and the reverse; http is only ever a listed development
    // target, which the guard's http agent alone admits. No keep-alive: a pooled socket would
    // skip the connect-time check after a policy reload, and a fetch every few minutes gains
    // nothing from one.
    const agentOptions = { keepAlive: false, maxSockets: 2 };
    this.agent =
      this.url.protocol === 'http:'
        ? guard.createHttpAgent(agentOptions)
        : guard.createHttpsAgent(agentOptions);
    this.keys = this.keySet();
  }

  /** For jose's jwtVerify: the key the header names; a key set out of reach is JwksUnavailableError. */
  readonly keyFor = async (
    header?: JWSHeaderParameters,
    token?: FlattenedJWSInput,
  ): Promise<KeyLike> => {
    const keys = this.keys;
    // Once max age has passed, the set held so far: jose's lookup fails with the fetch rather
    // than use it. An unknown kid under a fresh set gets no fallback (the fetch was the answer).
    const expired = keys.fresh ? undefined : keys.jwks();
    try {
      if (!keys.fresh) this.guard.assertAllowed(this.url, this.options.purpose);
      return await keys(header, token);
    } catch (error) {
      if (isKeyLookupAnswer(error)) throw error;
      const cause = this.describe(error);
      if (!expired) throw new JwksUnavailableError(cause);
      // A stale key set still verifies tokens signed with the keys it holds; better than none.
      // Held as fresh for another max age, so an unreachable JWKS is not asked on every request.
      this.logger.warn(`keeping the previous key set: ${cause}`);
      if (this.keys === keys) this.keys = this.keySet(expired);
    }
    try {
      return await this.keys(header, token);
    } catch (error) {
      // With no cooldown, an unknown kid makes even the kept set fetch again.
      if (isKeyLookupAnswer(error)) throw error;
      throw new JwksUnavailableError(this.describe(error));
    }
  };

  /** Closes the agent and any socket it still holds. */
  close(): void {
    this.agent.destroy();
  }

  private keySet(previous?: JSONWebKeySet): KeySet {
    return createRemoteJWKSet(this.url, {
      agent: this.agent,
      cacheMaxAge: this.options.maxAgeMs,
      cooldownDuration: this.options.refreshCooldownMs,
      timeoutDuration: this.options.timeoutMs,
      headers: { accept: 'application/json' },
      // jose's own seed for a set fetched earlier; only this class writes to it.
      ...(previous ? { [jwksCache]: { jwks: previous, uat: Date.now() } } : {}),
    });
  }

  private describe(error: unknown): string {
    if (error instanceof errors.JWKSTimeout) {
      return `the JWKS did not answer within ${this.options.timeoutMs} ms`;
    }
    // jose's and the guard's messages name the URL at most (never userinfo or query), no token.
    // isNativeError as well: a socket error is built by Node's own Error, whatever the realm.
    const message =
      error instanceof Error || types.isNativeError(error) ? error.message : String(error);
    return `the JWKS could not be fetched: ${message}`;
  }
}

/**
 * What the key set says about the token (no key, or several, for its header), as opposed to
 * the key set being out of reach (a refusal, a network error, a timeout, not 200, not a JWKS).
 */
function isKeyLookupAnswer(error: unknown): boolean {
  return (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSENotSupported
  );
}
