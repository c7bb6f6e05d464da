import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { B2cCallEvents } from '../b2c/b2c-call-events';
import { RateLimitedWarning } from '../common/logging/rate-limited-warning';
import { ProblemCode } from '../common/problem/gateway-error';
import { INSTANCE_ID } from '../common/problem/reference-id';
import { REFUSAL_LOG, type RefusalLog } from '../refusals/refusal-log.port';
import { GatewayConfig } from '../config/gateway-config';
import { INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';
import { oldestPendingAgeSeconds } from '../metrics/inbox-gauges';
import {
  B2cFailureClock,
  dueAnnouncement,
  evaluate,
  perMinute,
  type AlertName,
  type AlertState,
} from './alert-conditions';
import { alertNotice } from './alert-notice';
import { ALERT_SEND_TIMEOUT_MS, AlertSender } from './alert-sender';
import { ALERT_STATE_STORE, type AlertStateStore } from './alert-state-store.port';

/** A measurement of one condition; undefined when its source could not answer this time. */
type Measure = () => Promise<number>;

/**
 * Evaluates the alert conditions every `alerts.checkIntervalMs` and sends what is due. Every
 * process ticks, but only the holder of the evaluation lease (in the alert state store) evaluates:
 * with several processes on PostgreSQL each alert goes out once, and the state it is kept in
 * survives restarts. B2C failing is this process's view (its deliveries and readiness probes,
 * through B2cCallEvents); the other conditions read the shared stores.
 */
@Injectable()
export class AlertMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly failures = new RateLimitedWarning(this.logger);
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly gateway = `${hostname()} (instance ${INSTANCE_ID})`;
  private readonly b2c = new B2cFailureClock();
  private stopB2c: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Checks this process evaluated as the lease holder: lets tests wait for a later check. */
  evaluations = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly sender: AlertSender,
    @Inject(ALERT_STATE_STORE) private readonly store: AlertStateStore | null,
    @Inject(INBOX_STORE) private readonly inbox: InboxStore,
    @Inject(REFUSAL_LOG) private readonly refusals: RefusalLog,
    private readonly b2cCalls: B2cCallEvents,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.sender.enabled || !this.store) return;
    this.stopB2c = this.b2cCalls.on((call) =>
      this.b2c.record(call.status, call.startedAt + call.durationMs),
    );
    this.schedule();
    this.logger.log(
      `alerts on: ${this.config.alerts.webhookUrls.length} webhook(s), checked every ` +
        `${this.config.alerts.checkIntervalMs} ms`,
    );
  }

  /**
   * The first step of a stop, while this module's dependencies are up: a send under way ends
   * (OUTBOUND_HTTP's agents are destroyed in their own module's destroy hook, after this one)
   * and its outcome is stored, so the next process does not send it again.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopB2c?.();
    await this.running;
    // Another process evaluates at its next check instead of after the lease.
    await this.store?.releaseEvaluation(this.owner).catch(() => undefined);
  }

  /** One check: claim the lease, measure, evaluate, store, send what is due. */
  async check(now = Date.now()): Promise<void> {
    const store = this.store;
    if (!store || !(await store.claimEvaluation(this.owner, this.leaseMs(), now))) return;
    const previous = new Map((await store.states()).map((state) => [state.alert, state]));
    for (const [alert, measure] of this.measures()) {
      let value: number;
      try {
        value = await measure();
      } catch (error) {
        // Its state stays as it was: no news is not "resolved".
        this.failures.warn(`alert ${alert}: cannot be measured now: ${(error as Error).message}`);
        continue;
      }
      const state = evaluate(
        { alert, threshold: this.threshold(alert) },
        previous.get(alert),
        value,
        now,
      );
      if (!(await store.save(this.owner, state, Date.now()))) return;
      if (dueAnnouncement(state) === undefined) continue;
      await this.announce(store, state);
    }
    this.evaluations += 1;
  }

  private async announce(store: AlertStateStore, state: AlertState): Promise<void> {
    const notice = alertNotice(state, this.threshold(state.alert), {
      gateway: this.gateway,
      signatureWindowSeconds: this.config.alerts.signatureFailuresWindowSeconds,
    });
    if (!(await this.sender.send(notice))) return;
    // The lease is checked as of now: the send may have taken a while.
    await store.save(this.owner, { ...state, announced: notice.state }, Date.now());
  }

  private measures(): [AlertName, Measure][] {
    const settings = this.config.alerts;
    const windowMs = settings.signatureFailuresWindowSeconds * 1000;
    return [
      ['dead-letters', () => this.inbox.count('dead')],
      ['oldest-pending', () => oldestPendingAgeSeconds(this.inbox, Date.now())],
      ['b2c-failing', () => Promise.resolve(this.b2c.failingMinutes(Date.now()))],
      [
        'signature-failures',
        async () =>
          perMinute(
            await this.refusals.countSince(ProblemCode.SignatureRejected, Date.now() - windowMs),
            windowMs,
          ),
      ],
    ];
  }

  private threshold(alert: AlertName): number {
    const settings = this.config.alerts;
    switch (alert) {
      case 'dead-letters':
        return settings.deadLettersIncrease;
      case 'oldest-pending':
        return settings.oldestPendingSeconds;
      case 'b2c-failing':
        return settings.b2cFailingMinutes;
      case 'signature-failures':
        return settings.signatureFailuresPerMinute;
    }
  }

  /** Long enough for a whole check (every webhook timing out) between two claims. */
  private leaseMs(): number {
    return 3 * this.config.alerts.checkIntervalMs + 2 * ALERT_SEND_TIMEOUT_MS;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.check()
        .catch((error: unknown) =>
          this.failures.warn(`alert check failed: ${(error as Error).message}`),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.config.alerts.checkIntervalMs);
    // Alerts never keep a process alive that is otherwise done.
    this.timer.unref();
  }
}
