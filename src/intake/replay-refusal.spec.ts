import { SignatureRejectedError } from '../common/problem/gateway-error';
import { refuseReplay, replayClaim } from './replay-refusal';

describe('replay refusal', () => {
  const receivedAt = new Date('2026-12-07T06:00:00Z');

  it('claims nothing when the vendor has no nonce', () => {
    expect(replayClaim('sinch', {}, receivedAt)).toBeUndefined();
  });

  it("keys the nonce by vendor and keeps it at least ten minutes, or the vendor's longer window", () => {
    expect(replayClaim('sinch', { replayKey: 'n1', replayTtlMs: 1000 }, receivedAt)).toEqual({
      key: 'sinch:n1',
      expiresAt: receivedAt.getTime() + 10 * 60 * 1000,
    });
    expect(replayClaim('telnyx', { replayKey: 'n1', replayTtlMs: 3_600_000 }, receivedAt)).toEqual({
      key: 'telnyx:n1',
      expiresAt: receivedAt.getTime() + 3_600_000,
    });
  });

  it('refuses a request whose nonce the store found claimed, and passes any other through', () => {
    expect(() => refuseReplay({ outcomes: [], replayed: true })).toThrow(SignatureRejectedError);
    const accepted = { outcomes: [], replayed: false };
    expect(refuseReplay(accepted)).toBe(accepted);
  });
});
