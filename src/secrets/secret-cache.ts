import { SecretResolutionError, SecretUnavailableError } from './secret-resolution.error';
import type { FailingSecret, SecretHandle, SecretsStatus } from './secret-handle';
import {
  describeSecretReference,
  parseSecretReference,
  type SecretReference,
} from './reference/secret-reference';
import type { SecretReader } from './secret-source';

export interface SecretCacheOptions {
  ttlMs: number;
  retryAfterFailureMs: number;
  rotationOverlapMs: number;
  read: SecretReader;
  logger: { log(message: string): void; warn(message: string): void };
  now?: () => number;
}

/** One reference, shared by every setting that names it. */
class Entry {
  readonly settings = new Set<string>();
  readonly listeners = new Set<() => void>();
  value?: string;
  version?: string;
  previous?: { value: string; until: number };
  failure?: { since: number; reason: string };
  inFlight?: Promise<void>;
  timer?: NodeJS.Timeout;

  constructor(
    readonly parsed: SecretReference,
    readonly described: string,
  ) {}
}

/**
 * Holds every resolved secret and reads it again every `ttlMs` in the background, so a rotation
 * at the source is picked up without a restart. A failed read keeps the last good value, is
 * logged (reason only) and reported by `status()` until a read succeeds again.
 */
export class SecretCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly options: SecretCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async resolve(setting: string, reference: string): Promise<string> {
    return (await this.loaded(setting, reference)).value as string;
  }

  async watch(setting: string, reference: string): Promise<SecretHandle> {
    const entry = await this.loaded(setting, reference);
    return {
      setting,
      reference: entry.described,
      current: () => entry.value as string,
      acceptedValues: () => this.acceptedValues(entry),
      onRotation: (listener) => {
        entry.listeners.add(listener);
        return () => entry.listeners.delete(listener);
      },
    };
  }

  status(): SecretsStatus {
    const failing: FailingSecret[] = [];
    let loaded = true;
    for (const entry of this.entries.values()) {
      if (entry.value === undefined) loaded = false;
      if (!entry.failure) continue;
      for (const setting of entry.settings) {
        failing.push({
          setting,
          reference: entry.described,
          since: new Date(entry.failure.since).toISOString(),
          error: entry.failure.reason,
        });
      }
    }
    return { loaded, failing };
  }

  /** Reads every secret again now (e.g. an admin's "rotate now"); failures land in status(). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.refresh(entry)));
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  /** The entry with a value, reading it first if needed; throws when there is none. */
  private async loaded(setting: string, reference: string): Promise<Entry> {
    let entry = this.entries.get(reference);
    if (!entry) {
      const parsed = parseSecretReference(reference);
      entry = new Entry(parsed, describeSecretReference(parsed));
      this.entries.set(reference, entry);
    }
    entry.settings.add(setting);
    if (entry.value === undefined) await this.refresh(entry);
    if (entry.value === undefined) {
      throw new SecretResolutionError(setting, entry.described, entry.failure?.reason ?? 'failed');
    }
    return entry;
  }

  private refresh(entry: Entry): Promise<void> {
    entry.inFlight ??= this.read(entry).finally(() => {
      entry.inFlight = undefined;
      this.schedule(entry);
    });
    return entry.inFlight;
  }

  private async read(entry: Entry): Promise<void> {
    let reading;
    try {
      reading = await this.options.read(entry.parsed);
    } catch (error) {
      this.failed(entry, reasonOf(error));
      return;
    }
    // An empty value is a broken secret, not a rotation: keep the last good one.
    if (reading.value === '') {
      this.failed(entry, 'is empty');
      return;
    }
    const old = entry.value;
    entry.value = reading.value;
    entry.version = reading.version;
    if (entry.failure) {
      this.options.logger.log(`${this.settingsOf(entry)}: ${entry.described} readable again`);
      entry.failure = undefined;
    }
    if (old !== undefined && old !== reading.value) {
      entry.previous = { value: old, until: this.now() + this.options.rotationOverlapMs };
      const version = reading.version ? ` (version ${reading.version})` : '';
      this.options.logger.log(
        `${this.settingsOf(entry)}: ${entry.described} rotated${version}; the previous value ` +
          `stays accepted for ${this.options.rotationOverlapMs} ms`,
      );
      for (const listener of entry.listeners) listener();
    }
  }

  private failed(entry: Entry, reason: string): void {
    entry.failure = { since: entry.failure?.since ?? this.now(), reason };
    // The first read of a secret fails its caller, who reports it; refreshes have no caller.
    if (entry.value !== undefined) {
      this.options.logger.warn(
        `${this.settingsOf(entry)}: refreshing ${entry.described} failed, keeping the last ` +
          `good value: ${reason}`,
      );
    }
  }

  private schedule(entry: Entry): void {
    clearTimeout(entry.timer);
    // A literal cannot change; everything else is read again, sooner after a failure.
    if (this.stopped || entry.parsed.kind === 'literal') return;
    const delay = entry.failure
      ? Math.min(this.options.retryAfterFailureMs, this.options.ttlMs)
      : this.options.ttlMs;
    entry.timer = setTimeout(() => void this.refresh(entry), delay);
    // Secrets alone must not keep the process alive.
    entry.timer.unref();
  }

  private acceptedValues(entry: Entry): string[] {
    const values = [entry.value as string];
    const previous = entry.previous;
    if (previous && this.now() < previous.until && previous.value !== entry.value) {
      values.push(previous.value);
    }
    return values;
  }

  private settingsOf(entry: Entry): string {
    return [...entry.settings].join(', ');
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof SecretUnavailableError) return error.reason;
  // Unexpected errors may quote what they were handling; only their kind is safe to repeat.
  return `could not be read (${error instanceof Error ? error.name : typeof error})`;
}
