import { Inject, Injectable } from '@nestjs/common';
import { B2C_PROBE, type B2cProbe } from '../b2c-probe';
import { READINESS_OPTIONS, type ReadinessOptions } from '../readiness-options';
import { type CheckReport, type LastError, lastError } from '../readiness-report';

interface ProbeResult {
  ok: boolean;
  /** Epoch ms when the call ended: the cache window starts there. */
  at: number;
  latencyMs: number;
}

/**
 * Whether B2C answers an authenticated call. One call per `b2cCacheMs` at most, whatever the
 * number of probes: a fresh result is reused, and probes that find none share the one call under
 * way. A probe waits for that call at most `b2cWaitMs`, then reports the previous result.
 *
 * While B2C's pause lasts (it throttled, see B2cFlowControl) no call is made: it would only wait
 * for the pause's end, holding the probe. The previous result is reported, with the pause's end.
 *
 * Not critical: B2C being down degrades readiness but leaves the gateway ready, because intake
 * does not need B2C (see README.md in this folder).
 */
@Injectable()
export class B2cReachability {
  private last?: ProbeResult;
  private lastSuccessAt?: number;
  private lastFailure?: LastError;
  private inFlight?: Promise<ProbeResult>;
  /** Calls made to B2C so far, for diagnostics and tests. */
  calls = 0;

  constructor(
    @Inject(B2C_PROBE) private readonly probe: B2cProbe,
    @Inject(READINESS_OPTIONS) private readonly options: ReadinessOptions,
  ) {}

  async check(): Promise<CheckReport> {
    if (this.pauseEnd() !== undefined) return this.report(this.inFlight !== undefined);
    let underWay = false;
    if (!this.fresh()) {
      const call = (this.inFlight ??= this.call().finally(() => (this.inFlight = undefined)));
      underWay = (await settledWithin(call, this.options.b2cWaitMs)) === undefined;
    }
    // The call may have been the one B2C throttled: the report then says until when.
    return this.report(underWay);
  }

  /** The end of B2C's pause while it lasts (epoch ms). */
  private pauseEnd(): number | undefined {
    const until = this.probe.pausedUntil();
    return until > this.options.now() ? until : undefined;
  }

  private fresh(): boolean {
    return this.last !== undefined && this.options.now() - this.last.at < this.options.b2cCacheMs;
  }

  /** Never rejects: a failure is a result. */
  private async call(): Promise<ProbeResult> {
    const started = this.options.now();
    this.calls += 1;
    let ok = true;
    try {
      await this.probe.call();
    } catch (error) {
      ok = false;
      this.lastFailure = lastError(error, this.options.now());
    }
    const at = this.options.now();
    if (ok) this.lastSuccessAt = at;
    this.last = { ok, at, latencyMs: at - started };
    return this.last;
  }

  private report(underWay: boolean): CheckReport {
    const last = this.last;
    const pausedUntil = this.pauseEnd();
    const details = {
      critical: false,
      ...(this.lastFailure ? { lastError: this.lastFailure } : {}),
      lastSuccessAt: iso(this.lastSuccessAt),
      ...(underWay ? { callUnderWay: true } : {}),
      ...(pausedUntil !== undefined ? { pausedUntil: iso(pausedUntil) } : {}),
    };
    if (!last && pausedUntil !== undefined) {
      // B2C answered (it asked for the pause), but whether a call of ours would succeed is not
      // known yet.
      return {
        state: 'degraded',
        latencyMs: 0,
        ...details,
        reason: `B2C asked for a pause until ${iso(pausedUntil)}; not called before then`,
      };
    }
    if (!last) {
      // The first call is still running: reachability is not known, so not claimed.
      return {
        state: 'down',
        latencyMs: this.options.b2cWaitMs,
        ...details,
        reason: `no answer from B2C within ${this.options.b2cWaitMs} ms yet`,
      };
    }
    return {
      state: last.ok ? 'up' : 'down',
      latencyMs: last.latencyMs,
      ...details,
      checkedAt: iso(last.at),
      ageMs: this.options.now() - last.at,
    };
  }
}

function iso(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

/** The promise's value if it settles within `ms`, else undefined (it goes on regardless). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
