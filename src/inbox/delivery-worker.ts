import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { retryDelayMs } from './backoff';
import { INBOX_STORE, type InboxStore, type StoredMessage } from './inbox-store.port';
import { DeliveryError, MESSAGE_SINK, type MessageSink } from './message-sink.port';

/** What is kept on the message about a failed attempt: enough for an admin, never a secret. */
export interface FailureRecord {
  message: string;
  retryable: boolean;
  at: string;
  detail?: Record<string, unknown>;
}

/**
 * Ends an attempt at a checkpoint because the gateway is stopping: the message stays pending, and
 * the next process resumes it from that checkpoint. Not a failure: no attempt is counted.
 */
class ReleasedForShutdown extends Error {
  override name = 'ReleasedForShutdown';
}

/** Longest pause while the store cannot record outcomes: it is probed again at least this often. */
const STORE_PAUSE_MAX_MS = 30_000;
/** On top of one B2C call's timeout, for the checkpoint write that follows it. */
const RELEASE_MARGIN_MS = 2_000;

/**
 * Moves stored messages to the sink (B2C), one attempt at a time per message, with backoff and
 * jitter between attempts and dead-lettering after `worker.maxAttempts`.
 *
 * Messages from the same sender are never delivered concurrently: the first one may create the
 * contact that the second one must find, and two concurrent lookups would create two contacts.
 */
@Injectable()
export class DeliveryWorker
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly busySenders = new Set<string>();
  /**
   * Failed attempts in a row whose outcome the store could not record. While the store cannot
   * write, every attempt would call B2C and then fail to save what it learned, message after
   * message: the worker pauses instead, longer each time, until a write succeeds again.
   */
  private unrecorded = 0;
  private running = false;
  /** Stopping: attempts under way end at their next checkpoint instead of going on. */
  private releasing = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private pending = false;
  /** Until when the far side asked for silence (B2C throttling), epoch ms. */
  private pausedUntil = 0;
  /** Epoch ms of the last loop turn, for readiness. */
  lastTurnAt = 0;

  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    @Inject(MESSAGE_SINK) private readonly sink: MessageSink,
    private readonly config: GatewayConfig,
    // Optional: a worker built without MetricsModule still delivers, uncounted.
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  onApplicationBootstrap(): void {
    if (this.config.worker.enabled) this.start();
  }

  /**
   * Nest closes the HTTP server between this hook and the next: no new message is taken from now
   * on, while deliveries under way go on in parallel with the requests being answered.
   */
  beforeApplicationShutdown(): void {
    this.requestStop();
  }

  /** Runs before the inbox closes (InboxModule's own hook comes after its providers'). */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.releasing = false;
    this.loopDone = this.loop();
  }

  /** Takes no new message; attempts under way end at their next checkpoint. */
  requestStop(): void {
    this.running = false;
    this.releasing = true;
    this.notify();
  }

  /**
   * Stops taking new messages and waits, at most `graceMs` (by default one B2C call's timeout and
   * a checkpoint write), for the attempts under way to end and be recorded. Attempts still under
   * way after that are left: their messages stay pending in the inbox and the next process
   * resumes them from their last checkpoint, which never repeats a step that B2C completed.
   */
  async stop(graceMs = this.config.b2c.timeoutMs + RELEASE_MARGIN_MS): Promise<void> {
    this.requestStop();
    await this.loopDone;
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const ended = await Promise.race([
      Promise.allSettled(this.inFlight.values()).then(() => 'ended' as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (ended === 'timeout') {
      this.logger.warn(
        `released ${this.inFlight.size} delivery attempt(s) still under way after ${graceMs} ms; ` +
          'they stay pending and resume from their checkpoint after the restart',
      );
    }
  }

  /** New messages were stored: look now rather than at the next poll. */
  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.lastTurnAt = Date.now();
      this.pending = false;
      let started = 0;
      try {
        started = await this.fill();
      } catch (error) {
        this.logger.error(`could not read due messages: ${errorMessage(error)}`);
      }
      await this.sleep(await this.idleMs(started));
    }
  }

  private async fill(): Promise<number> {
    const now = Date.now();
    const free = this.config.worker.concurrency - this.inFlight.size;
    if (free <= 0 || now < this.pausedUntil) return 0;
    const due = await this.store.due(now, free * 2, new Set(this.inFlight.keys()));
    let started = 0;
    for (const stored of due) {
      if (!this.running || this.inFlight.size >= this.config.worker.concurrency) break;
      if (this.busySenders.has(stored.message.from)) continue;
      this.begin(stored);
      started += 1;
    }
    return started;
  }

  private begin(stored: StoredMessage): void {
    const sender = stored.message.from;
    this.busySenders.add(sender);
    const attempt = this.attempt(stored).finally(() => {
      this.inFlight.delete(stored.seq);
      this.busySenders.delete(sender);
      this.notify();
    });
    this.inFlight.set(stored.seq, attempt);
  }

  private async attempt(stored: StoredMessage): Promise<void> {
    const { seq, message } = stored;
    let checkpoint = { ...stored.checkpoint };
    const label = `${message.vendor}/${message.messageId}`;
    try {
      const outcome = await this.sink.deliver(stored, async (next) => {
        checkpoint = { ...next };
        await this.store.saveCheckpoint(seq, checkpoint);
        // With the incident id saved there is nothing left to call B2C for: let it finish.
        if (this.releasing && checkpoint.incidentId === undefined) throw new ReleasedForShutdown();
      });
      if (outcome.kind === 'delivered') {
        await this.store.markDelivered(seq, 'delivered', outcome.checkpoint);
        this.logger.log(`delivered ${label} as incident ${outcome.checkpoint.incidentId}`);
        this.metrics?.delivery(message.vendor, 'delivered');
      } else {
        await this.store.markDelivered(seq, 'skipped', checkpoint);
        this.logger.log(`skipped ${label}: ${outcome.reason}`);
        this.metrics?.delivery(message.vendor, 'skipped');
      }
      this.unrecorded = 0;
    } catch (error) {
      if (error instanceof ReleasedForShutdown) {
        this.logger.log(`released ${label} at its checkpoint: the gateway is stopping`);
        return;
      }
      await this.recordFailure(stored, error).then(
        () => (this.unrecorded = 0),
        (storeError: unknown) => {
          // The message stays pending and is tried again; nothing accepted is lost.
          this.unrecorded += 1;
          const { backoffBaseMs, backoffMaxMs } = this.config.worker;
          const maxMs = Math.min(backoffMaxMs, STORE_PAUSE_MAX_MS);
          const delay = retryDelayMs(this.unrecorded, backoffBaseMs, maxMs);
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
          this.logger.error(
            `could not record the failure of ${label} (${errorMessage(error)}): ` +
              `${errorMessage(storeError)}; deliveries pause for ${delay} ms`,
          );
        },
      );
    }
  }

  private async recordFailure(stored: StoredMessage, error: unknown): Promise<void> {
    const label = `${stored.message.vendor}/${stored.message.messageId}`;
    const attempts = stored.attempts + 1;
    // An unexpected exception is a fault of ours or of the network stack: worth a retry.
    const {
      retryable,
      detail,
      pauseAllMs = 0,
      notBeforeMs = 0,
    } = error instanceof DeliveryError ? error.failure : { retryable: true };
    const failure: FailureRecord = {
      message: errorMessage(error),
      retryable,
      at: new Date().toISOString(),
      ...(detail && Object.keys(detail).length > 0 ? { detail } : {}),
    };
    const { maxAttempts, backoffBaseMs, backoffMaxMs } = this.config.worker;
    if (retryable && attempts < maxAttempts) {
      if (pauseAllMs > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pauseAllMs);
      const floor = Math.max(pauseAllMs, notBeforeMs);
      const delay = retryDelayMs(attempts, backoffBaseMs, backoffMaxMs, Math.random, floor);
      await this.store.scheduleRetry(stored.seq, attempts, Date.now() + delay, failure);
      this.logger.warn(
        `attempt ${attempts}/${maxAttempts} for ${label} failed (${failure.message}); retry in ${delay} ms`,
      );
      this.metrics?.delivery(stored.message.vendor, 'retry');
    } else {
      await this.store.deadLetter(stored.seq, attempts, failure);
      this.logger.error(
        `dead-lettered ${label} after ${attempts} attempt(s): ${failure.message}` +
          (failure.detail ? ` ${JSON.stringify(failure.detail)}` : ''),
      );
      this.metrics?.delivery(stored.message.vendor, 'dead');
    }
  }

  /** How long to sleep when nothing wakes the loop earlier. */
  private async idleMs(started: number): Promise<number> {
    const { pollIntervalMs } = this.config.worker;
    const now = Date.now();
    if (now < this.pausedUntil) return Math.min(pollIntervalMs, this.pausedUntil - now);
    if (this.inFlight.size >= this.config.worker.concurrency) return pollIntervalMs;
    const nextDue = await this.store.nextDueAt().catch(() => undefined);
    if (nextDue === undefined) return pollIntervalMs;
    const untilDue = nextDue - now;
    // Something is due but could not start (its sender is busy): a finished attempt wakes us.
    if (untilDue <= 0) return started > 0 ? 0 : pollIntervalMs;
    return Math.min(pollIntervalMs, untilDue);
  }

  private sleep(ms: number): Promise<void> {
    if (this.pending || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
