import { randomBytes } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { ATTEMPT_CALLS, type AttemptCallSource } from './attempt-calls.port';
import { INSTANCE_ID } from '../common/problem/reference-id';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { AttemptOutcome, AttemptRecord } from '../inbox/attempt-history';
import { AttemptCalls, inAttemptScope, recordAttemptCall } from '../inbox/attempt-scope';
import { retryDelayMs } from './backoff';
import { DELIVERY_TRACER, type DeliveryTracer } from './delivery-tracer.port';
import {
  type ClaimedMessage,
  INBOX_STORE,
  type InboxStore,
  type DeliveryCheckpoint,
  type Lease,
  LeaseLostError,
} from '../inbox/inbox-store.port';
import {
  DeliveryAbortedError,
  DeliveryError,
  type DeliveryFailure,
  MESSAGE_SINK,
  type MessageSink,
} from './sink/message-sink.port';
import { decideAfterFailure } from './retry-policy';

/** What is kept on the message about a failed attempt: enough for an admin, never a secret. */
export interface FailureRecord {
  message: string;
  retryable: boolean;
  at: string;
  detail?: Record<string, unknown>;
}

/** The worker's view of time, injectable so that its tests need not sleep. */
export interface WorkerClock {
  now(): number;
}

export const WORKER_CLOCK = Symbol('WorkerClock');

/**
 * Until when the far side (B2C) asked every caller to wait, as known to this process: no new
 * delivery starts before then. The B2C flow control provides it, shared by all processes.
 */
export interface DeliveryPause {
  pausedUntil(): number;
}

export const DELIVERY_PAUSE = Symbol('DeliveryPause');

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

interface Delivery {
  lease: Lease;
  /** The lease went to another process: nothing more may be written for this message. */
  lost: boolean;
  renewal: NodeJS.Timeout;
  done: Promise<void>;
}

/** The history entry of the attempt under way, as it ends with `outcome`. */
type AttemptEntry = (outcome: AttemptOutcome, attempt: number, error?: string) => AttemptRecord;

/**
 * Moves stored messages to the sink (B2C), one attempt at a time per message, with backoff and
 * jitter between attempts and dead-lettering after `worker.maxAttempts`.
 *
 * Messages are claimed from the store with a lease, which the store gives for at most one
 * message per sender across every process: the first may create the contact the second must
 * find, and two concurrent lookups would create two contacts. Every write of a delivery is
 * fenced by its lease, which is renewed while the delivery runs.
 */
@Injectable()
export class DeliveryWorker
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(DeliveryWorker.name);
  /** Unique per worker, also when two gateways share a process (tests). */
  private readonly owner = `${INSTANCE_ID}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly deliveries = new Map<number, Delivery>();
  /**
   * Failed attempts in a row whose outcome the store could not record. While the store cannot
   * write, every attempt would call B2C and then fail to save what it learned, message after
   * message: the worker pauses instead, longer each time, until a write succeeds again.
   */
  private unrecorded = 0;
  /** The store could not be read: said once when it starts and once when it ends. */
  private claimFailing = false;
  private running = false;
  /** Stopping: attempts under way end at their next checkpoint instead of going on. */
  private releasing = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private pending = false;
  private unsubscribe: (() => void) | undefined;
  /** Stops collecting B2C calls into attempts' histories. */
  private stopCollectingCalls: (() => void) | undefined;
  /** Until when this process holds back (store failures, or a pause B2C asked for), epoch ms. */
  private pausedUntil = 0;
  /** Epoch ms of the last loop turn, for readiness. */
  lastTurnAt = 0;

  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    @Inject(MESSAGE_SINK) private readonly sink: MessageSink,
    private readonly config: GatewayConfig,
    // Optional: a worker built without MetricsModule still delivers, uncounted.
    @Optional() private readonly metrics?: GatewayMetrics,
    @Optional() @Inject(DELIVERY_PAUSE) private readonly sharedPause?: DeliveryPause,
    @Optional() @Inject(WORKER_CLOCK) private readonly clock: WorkerClock = Date,
    @Optional() @Inject(DELIVERY_TRACER) private readonly tracer?: DeliveryTracer,
    // Optional: without it, attempts are recorded without their B2C calls.
    @Optional() @Inject(ATTEMPT_CALLS) private readonly b2cCalls?: AttemptCallSource,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Deliveries under way in this process. */
  get inFlight(): number {
    return this.deliveries.size;
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

  /** Runs before the inbox closes (DeliveryModule imports InboxModule, so Nest stops this first). */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.releasing = false;
    // Messages accepted or requeued here, or by any process on a shared store.
    this.unsubscribe ??= this.store.onWake(() => this.notify());
    // Each B2C call lands in the history of the attempt (async context) that made it.
    this.stopCollectingCalls ??= this.b2cCalls?.on(recordAttemptCall);
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
   * a checkpoint write), for the attempts under way to end and be recorded. Attempts ended at a
   * checkpoint give their lease back, so another process resumes them at once; attempts still
   * under way after the grace keep theirs until it expires, since their B2C call may still land.
   */
  async stop(graceMs = this.config.b2c.timeoutMs + RELEASE_MARGIN_MS): Promise<void> {
    this.requestStop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.loopDone;
    if (this.deliveries.size > 0) await this.awaitDeliveries(graceMs);
    this.stopCollectingCalls?.();
    this.stopCollectingCalls = undefined;
  }

  private async awaitDeliveries(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const ended = await Promise.race([
      Promise.allSettled([...this.deliveries.values()].map((d) => d.done)).then(
        () => 'ended' as const,
      ),
      timedOut,
    ]);
    clearTimeout(timer);
    if (ended === 'timeout') {
      for (const delivery of this.deliveries.values()) clearInterval(delivery.renewal);
      this.logger.warn(
        `left ${this.deliveries.size} delivery attempt(s) still under way after ${graceMs} ms; ` +
          'they stay pending and resume from their checkpoint once their lease ends',
      );
    }
  }

  /** Messages may be due: look now rather than at the next poll. */
  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.lastTurnAt = this.clock.now();
      this.pending = false;
      let started = 0;
      try {
        started = await this.fill();
        if (this.claimFailing) this.logger.log('the store answers claims again');
        this.claimFailing = false;
      } catch (error) {
        // Said once per outage: readiness shows the store's state meanwhile.
        if (!this.claimFailing) {
          this.logger.error(`could not claim due messages: ${errorMessage(error)}`);
        }
        this.claimFailing = true;
      }
      await this.sleep(await this.idleMs(started));
    }
  }

  private holdUntil(): number {
    return Math.max(this.pausedUntil, this.sharedPause?.pausedUntil() ?? 0);
  }

  private async fill(): Promise<number> {
    const free = this.config.worker.concurrency - this.deliveries.size;
    if (free <= 0 || this.clock.now() < this.holdUntil()) return 0;
    const claimed = await this.store.claim(this.owner, free, this.config.worker.leaseMs);
    for (const message of claimed) this.begin(message);
    return claimed.length;
  }

  private begin(claimed: ClaimedMessage): void {
    const { leaseMs } = this.config.worker;
    const delivery: Delivery = {
      lease: claimed.lease,
      lost: false,
      renewal: setInterval(() => void this.renew(delivery), Math.max(1, Math.floor(leaseMs / 3))),
      done: Promise.resolve(),
    };
    const run = (): Promise<void> => this.attempt(claimed, delivery);
    delivery.done = (this.tracer ? this.tracer.trace(claimed, run) : run()).finally(() => {
      clearInterval(delivery.renewal);
      this.deliveries.delete(claimed.seq);
      this.notify();
    });
    this.deliveries.set(claimed.seq, delivery);
  }

  private async renew(delivery: Delivery): Promise<void> {
    if (delivery.lost) return;
    try {
      delivery.lease = await this.store.renew(delivery.lease, this.config.worker.leaseMs);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        delivery.lost = true;
        clearInterval(delivery.renewal);
      }
      // Otherwise the store is unreachable; the next renewal tries again before the lease ends.
      this.logger.warn(
        `could not renew the lease on message ${delivery.lease.seq}: ${errorMessage(error)}`,
      );
    }
  }

  private async attempt(stored: ClaimedMessage, delivery: Delivery): Promise<void> {
    const { message } = stored;
    let checkpoint = { ...stored.checkpoint };
    const label = `${message.vendor}/${message.messageId}`;
    const startedAt = this.clock.now();
    const calls = new AttemptCalls();
    const entry: AttemptEntry = (outcome, attempt, error) => ({
      attempt,
      startedAt,
      durationMs: this.clock.now() - startedAt,
      outcome,
      ...(error === undefined ? {} : { error }),
      calls: calls.calls,
      ...(calls.omitted > 0 ? { callsOmitted: calls.omitted } : {}),
    });
    // An attempt that ends without failing is not counted in `attempts`: it is the next one.
    const thisAttempt = stored.attempts + 1;
    try {
      const outcome = await inAttemptScope(calls, () =>
        this.sink.deliver(stored, async (next) => {
          if (delivery.lost) throw new LeaseLostError(stored.seq);
          checkpoint = { ...next };
          await this.store.saveCheckpoint(delivery.lease, checkpoint);
          if (this.releasing && mayStopAt(checkpoint)) throw new ReleasedForShutdown();
        }),
      );
      if (outcome.kind === 'delivered') {
        await this.store.markDelivered(
          delivery.lease,
          'delivered',
          outcome.checkpoint,
          entry('delivered', thisAttempt),
        );
        const { sent, incidentId } = outcome.checkpoint;
        this.logger.log(
          sent
            ? `delivered ${label} as SMS ${sent.vendorMessageId}`
            : `delivered ${label} as incident ${incidentId}`,
        );
        // Accepted → incident; a reply sent out as SMS waited on no incident.
        const latencyMs = sent ? undefined : this.clock.now() - stored.receivedAt;
        this.metrics?.delivery(message.vendor, 'delivered', latencyMs);
      } else {
        await this.store.markDelivered(
          delivery.lease,
          'skipped',
          checkpoint,
          entry('skipped', thisAttempt),
        );
        this.logger.log(`skipped ${label}: ${outcome.reason}`);
        this.metrics?.delivery(message.vendor, 'skipped');
      }
      this.unrecorded = 0;
    } catch (error) {
      if (error instanceof ReleasedForShutdown || error instanceof DeliveryAbortedError) {
        await this.store
          .release(delivery.lease, entry('released', thisAttempt))
          .catch(() => undefined);
        this.logger.log(`released ${label} at its checkpoint: the gateway is stopping`);
        return;
      }
      if (error instanceof LeaseLostError) {
        this.logger.warn(`gave up ${label}: its lease ended and another process continues it`);
        return;
      }
      await this.recordFailure(stored, delivery.lease, error, entry).then(
        () => (this.unrecorded = 0),
        (storeError: unknown) => {
          if (storeError instanceof LeaseLostError) {
            this.logger.warn(`the failure of ${label} is another process's to record now`);
            return;
          }
          // The message stays pending and is tried again; nothing accepted is lost.
          this.unrecorded += 1;
          const { backoffBaseMs, backoffMaxMs } = this.config.worker;
          const maxMs = Math.min(backoffMaxMs, STORE_PAUSE_MAX_MS);
          const delay = retryDelayMs(this.unrecorded, backoffBaseMs, maxMs);
          this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + delay);
          this.logger.error(
            `could not record the failure of ${label} (${errorMessage(error)}): ` +
              `${errorMessage(storeError)}; deliveries pause for ${delay} ms`,
          );
        },
      );
    }
  }

  private async recordFailure(
    stored: ClaimedMessage,
    lease: Lease,
    error: unknown,
    entry: AttemptEntry,
  ): Promise<void> {
    const label = `${stored.message.vendor}/${stored.message.messageId}`;
    // An unexpected exception is a fault of ours or of the network stack: worth a retry.
    const failure: DeliveryFailure =
      error instanceof DeliveryError ? error.failure : { retryable: true };
    const record: FailureRecord = {
      message: errorMessage(error),
      retryable: failure.retryable,
      at: new Date(this.clock.now()).toISOString(),
      ...(failure.detail && Object.keys(failure.detail).length > 0
        ? { detail: failure.detail }
        : {}),
    };
    const { maxAttempts } = this.config.worker;
    const decision = decideAfterFailure(stored.attempts, failure, this.config.worker);
    if (decision.kind === 'retry') {
      const { pauseAllMs = 0 } = failure;
      if (pauseAllMs > 0) {
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + pauseAllMs);
      }
      const at = this.clock.now() + decision.delayMs;
      await this.store.scheduleRetry(
        lease,
        decision.attempts,
        at,
        record,
        entry('retry', decision.attempts, record.message),
      );
      this.logger.warn(
        `attempt ${decision.attempts}/${maxAttempts} for ${label} failed (${record.message}); ` +
          `retry in ${decision.delayMs} ms`,
      );
      this.metrics?.delivery(stored.message.vendor, 'retry');
    } else {
      await this.store.deadLetter(
        lease,
        decision.attempts,
        record,
        entry('dead', decision.attempts, record.message),
      );
      this.logger.error(
        `dead-lettered ${label} after ${decision.attempts} attempt(s): ${record.message}` +
          (record.detail ? ` ${JSON.stringify(record.detail)}` : ''),
      );
      this.metrics?.delivery(stored.message.vendor, 'dead');
    }
  }

  /** How long to sleep when nothing wakes the loop earlier. */
  private async idleMs(started: number): Promise<number> {
    const { pollIntervalMs } = this.config.worker;
    const now = this.clock.now();
    const holdUntil = this.holdUntil();
    if (now < holdUntil) return Math.min(pollIntervalMs, holdUntil - now);
    if (this.deliveries.size >= this.config.worker.concurrency) return pollIntervalMs;
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

/**
 * Whether a delivery stopping for shutdown may leave off after saving this checkpoint. Not once
 * its incident is known (nothing is left to call B2C for: it finishes), nor when a call whose
 * answer must be recorded is about to go (a reply's send: the next process would have to treat
 * it as sent-or-not and dead-letter it), nor once a reply is sent or refused.
 */
function mayStopAt(checkpoint: DeliveryCheckpoint): boolean {
  return (
    checkpoint.incidentId === undefined &&
    checkpoint.sendAttemptedAt === undefined &&
    checkpoint.sent === undefined &&
    checkpoint.notSent === undefined
  );
}
