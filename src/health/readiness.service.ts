import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { GatewayConfig } from '../config/gateway-config';
import { DeliveryControl } from '../delivery/control/delivery-control.service';
import { DeliveryWorker } from '../delivery/delivery-worker';
import { INBOX_STORE, type InboxStore } from '../inbox/inbox-store.port';
import { SecretsService } from '../secrets/secrets.service';
import { B2cReachability } from './checks/b2c-reachability';
import { secretsCheck } from './checks/secrets-check';
import { StoreCheck } from './checks/store-check';
import { workerCheck } from './checks/worker-check';
import { READINESS_OPTIONS, type ReadinessOptions } from './readiness-options';
import {
  type CheckName,
  type CheckReport,
  type DeliverySummary,
  errorText,
  lastError,
  type ReadinessReport,
  readinessStatus,
} from './readiness-report';

/** Pending and dead-lettered messages, or why they could not be counted. */
export type InboxSummary = { pending: number; dead: number } | { error: string };

/**
 * Runs the readiness checks through terminus (in parallel; terminus also knows when the
 * application is shutting down) and turns terminus's up/down into ok, degraded or down.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly storeCheck: StoreCheck,
    private readonly b2c: B2cReachability,
    private readonly worker: DeliveryWorker,
    private readonly secrets: SecretsService,
    private readonly config: GatewayConfig,
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    @Inject(READINESS_OPTIONS) private readonly options: ReadinessOptions,
    private readonly delivery: DeliveryControl,
  ) {}

  async evaluate(): Promise<ReadinessReport> {
    const checks: Record<CheckName, () => Promise<CheckReport> | CheckReport> = {
      store: () => this.storeCheck.check(),
      worker: () => workerCheck(this.worker, this.config, this.options.now()),
      secrets: () => secretsCheck(this.secrets.status()),
      b2c: () => this.b2cCheck(),
    };
    const result = await this.run(
      Object.entries(checks).map(([name, check]) => this.indicator(name, check)),
    );
    const reports = {} as Record<CheckName, CheckReport>;
    for (const name of Object.keys(checks) as CheckName[]) {
      reports[name] = withoutTerminusStatus(result.details[name]);
    }
    const shuttingDown = result.status === 'shutting_down';
    return {
      status: readinessStatus(reports, shuttingDown),
      checkedAt: new Date(this.options.now()).toISOString(),
      shuttingDown,
      checks: reports,
      delivery: this.deliverySummary(),
    };
  }

  deliverySummary(): DeliverySummary {
    const { paused, changedAt, changedBy } = this.delivery.current();
    return {
      paused,
      since: paused && changedAt !== undefined ? new Date(changedAt).toISOString() : null,
      by: paused ? (changedBy ?? null) : null,
    };
  }

  async inboxSummary(): Promise<InboxSummary> {
    try {
      const [pending, dead] = await Promise.all([
        this.store.count('pending'),
        this.store.count('dead'),
      ]);
      return { pending, dead };
    } catch (error) {
      return { error: errorText(error) };
    }
  }

  /** B2C is only called by the worker: with the worker off this process does not need it. */
  private async b2cCheck(): Promise<CheckReport> {
    if (!this.config.worker.enabled) {
      return {
        state: 'up',
        critical: false,
        latencyMs: 0,
        checked: false,
        reason: 'worker.enabled is false: this process does not call B2C',
      };
    }
    return this.b2c.check();
  }

  /** Terminus keeps up/down; our state, criticality and details ride along as its data. */
  private indicator(
    name: string,
    check: () => Promise<CheckReport> | CheckReport,
  ): HealthIndicatorFunction {
    return async () => {
      let report: CheckReport;
      try {
        report = await check();
      } catch (error) {
        // A check that throws is a bug of ours; the gateway must still answer its probe.
        report = {
          state: 'down',
          critical: name !== 'b2c',
          latencyMs: 0,
          lastError: lastError(error, this.options.now()),
        };
      }
      const session = this.indicators.check(name);
      return report.state === 'up' ? session.up(report) : session.down(report);
    };
  }

  private async run(indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      // Terminus reports anything down, and shutting down, as a 503 exception carrying its result.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return error.getResponse() as HealthCheckResult;
    }
  }
}

/** Terminus adds its own up/down as `status`; the report says `state` (up, degraded, down). */
function withoutTerminusStatus(detail: Record<string, unknown>): CheckReport {
  const report = { ...detail };
  delete report.status;
  return report as CheckReport;
}
