import { SignatureRejectedError } from '../common/problem/gateway-error';
import type { AcceptResult, ReplayClaim } from '../inbox/inbox-store.port';
import type { Verification } from '../vendors/webhook-vendor';

/** Remembered at least this long even if a vendor asks for less: replays come within minutes. */
const MIN_REPLAY_TTL_MS = 10 * 60 * 1000;

/**
 * The nonce a verified request claims. Keys are per vendor, so two vendors' nonces never
 * collide. The store claims it in the same transaction as the messages, so a replay sent to
 * another process at the same moment still finds it taken.
 */
export function replayClaim(
  vendor: string,
  verification: Verification,
  receivedAt: Date,
): ReplayClaim | undefined {
  if (verification.replayKey === undefined) return undefined;
  const ttl = Math.max(verification.replayTtlMs ?? 0, MIN_REPLAY_TTL_MS);
  return { key: `${vendor}:${verification.replayKey}`, expiresAt: receivedAt.getTime() + ttl };
}

/** A replayed request is refused as a failed signature check: nothing of it was stored. */
export function refuseReplay(result: AcceptResult): AcceptResult {
  if (result.replayed) {
    throw new SignatureRejectedError('replayed request: its nonce was already used');
  }
  return result;
}
