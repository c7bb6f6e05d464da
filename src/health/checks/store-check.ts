import { Inject, Injectable } from '@nestjs/common';
import { INBOX_STORE, type InboxStore } from '../../inbox/inbox-store.port';
import { READINESS_OPTIONS, type ReadinessOptions } from '../readiness-options';
import { type CheckReport, type LastError, lastError } from '../readiness-report';

class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
}

/**
 * The inbox commits a real write (`probeWrite`, through the same group commit as webhooks).
 * Critical: a gateway that cannot commit must not be sent webhooks. Concurrent probes share one
 * write, and a write that hangs is shared by later probes too, so a stuck disk does not pile up
 * probe writes behind it.
 */
@Injectable()
export class StoreCheck {
  private write?: Promise<void>;
  private lastFailure?: LastError;

  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    @Inject(READINESS_OPTIONS) private readonly options: ReadinessOptions,
  ) {}

  async check(): Promise<CheckReport> {
    const started = this.options.now();
    this.write ??= this.store.probeWrite().finally(() => (this.write = undefined));
    try {
      await within(this.write, this.options.storeTimeoutMs);
      return this.report('up', started);
    } catch (error) {
      this.lastFailure = lastError(error, this.options.now());
      return this.report('down', started);
    }
  }

  private report(state: 'up' | 'down', started: number): CheckReport {
    return {
      state,
      critical: true,
      latencyMs: this.options.now() - started,
      ...(this.lastFailure ? { lastError: this.lastFailure } : {}),
    };
  }
}

async function within(write: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ProbeTimeoutError(`the probe write did not commit within ${ms} ms`)),
      ms,
    );
  });
  try {
    await Promise.race([write, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
