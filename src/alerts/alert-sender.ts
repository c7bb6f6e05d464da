import { Inject, Injectable, Logger } from '@nestjs/common';
import { OUTBOUND_HTTP, type OutboundHttp } from '../allowlist/outbound/outbound-http.port';
import { GatewayConfig } from '../config/gateway-config';
import { alertBody, type AlertNotice } from './alert-notice';
import { ALERT_TARGETS, redactUrl, type AlertTarget } from './alert-targets';

/** A webhook slower than this is counted as failed; the alert is retried at the next check. */
export const ALERT_SEND_TIMEOUT_MS = 5_000;
/** Slack answers `ok`; nothing an alert receiver says is read beyond its status. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Posts alerts to every configured webhook through the outbound allowlist. A notice counts as
 * sent once every webhook took it (2xx); a webhook that already took it is skipped when it is
 * retried, so a failing one does not repeat it to the others (as long as this process retries).
 */
@Injectable()
export class AlertSender {
  private readonly logger = new Logger('Alerts');
  /**
   * `<target>|<alert>` → `<state>|<since>` of the notice that webhook took while others failed;
   * one entry per webhook and alert, so it stays small however long a webhook fails.
   */
  private readonly taken = new Map<string, string>();

  constructor(
    private readonly config: GatewayConfig,
    @Inject(OUTBOUND_HTTP) private readonly http: OutboundHttp,
    @Inject(ALERT_TARGETS) private readonly targets: AlertTarget[],
  ) {}

  get enabled(): boolean {
    return this.targets.length > 0;
  }

  /** True once every webhook has taken `notice`; failures are logged, never thrown. */
  async send(notice: AlertNotice): Promise<boolean> {
    const body = alertBody(notice, this.config.alerts.format);
    const keys = this.targets.map((target) => `${target.label}|${notice.alert}`);
    const which = `${notice.state}|${notice.since}`;
    const results = await Promise.all(
      this.targets.map(async (target, index) => {
        if (this.taken.get(keys[index]) === which) return true;
        const ok = await this.post(target, body, notice);
        if (ok) this.taken.set(keys[index], which);
        return ok;
      }),
    );
    const all = results.every(Boolean);
    if (all) for (const key of keys) this.taken.delete(key);
    return all;
  }

  private async post(target: AlertTarget, body: string, notice: AlertNotice): Promise<boolean> {
    const url = target.url();
    const what = `${notice.state} alert ${notice.alert} to ${target.label}`;
    try {
      const response = await this.http.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body,
        timeoutMs: ALERT_SEND_TIMEOUT_MS,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        purpose: 'alert',
      });
      if (response.status >= 200 && response.status < 300) {
        this.logger.log(`${what} sent`);
        return true;
      }
      this.logger.warn(`${what} not taken: answered ${response.status}; retried at the next check`);
    } catch (error) {
      // Outbound errors quote the target; its path may be the webhook's secret.
      const message = redactUrl(error instanceof Error ? error.message : String(error), url);
      this.logger.warn(`${what} failed: ${message}; retried at the next check`);
    }
    return false;
  }
}
