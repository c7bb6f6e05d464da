import { checkOutboundTarget, safeTarget } from '../allowlist/outbound/check-outbound-target';
import type { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { TARGETS_KEY } from '../allowlist/outbound/targets/outbound-policy';
import { ConfigError } from '../common/problem/config-error';
import type { GatewayConfig } from '../config/gateway-config';
import type { SecretsService } from '../secrets/secrets.service';

export const ALERT_TARGETS = Symbol('AlertTargets');

/** One alert webhook. Its URL may be a credential (Slack's are): only `label` is ever logged. */
export interface AlertTarget {
  /** e.g. `alerts.webhookUrls[1] (https://hooks.slack.com/…)`: origin only, never the path. */
  label: string;
  /** The URL now (read at each send, so a rotated secret is used at once). */
  url(): string;
}

const SETTING = 'alerts.webhookUrls';
const VARIABLE = 'ALERTS_WEBHOOK_URLS';

/** Scheme, host and port: a webhook URL's path and query may hold its secret. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return '(not a URL)';
  }
}

/** `text` with the URL's path and query replaced, wherever an error message quoted them. */
export function redactUrl(text: string, url: string): string {
  let redacted = text.split(url).join(shownUrl(url)).split(safeTarget(url)).join(shownUrl(url));
  try {
    const { pathname, search } = new URL(url);
    if (search.length > 1) redacted = redacted.split(search.slice(1)).join('…');
    if (pathname.length > 1) redacted = redacted.split(pathname).join('/…');
  } catch {
    // Not a URL: nothing of it was checked or sent.
  }
  return redacted;
}

/**
 * The configured alert webhooks, their secrets read, each checked against the outbound
 * allowlist: start-up stops, one line per URL, when one cannot be read or is off the list, as
 * for every other configured target. Empty when alerts are off.
 */
export async function resolveAlertTargets(
  config: GatewayConfig,
  secrets: SecretsService,
  guard: OutboundGuard,
): Promise<AlertTarget[]> {
  const problems: string[] = [];
  const targets: AlertTarget[] = [];
  for (const [index, reference] of config.alerts.webhookUrls.entries()) {
    const setting = `${SETTING}[${index}]`;
    let handle;
    try {
      handle = await secrets.watch(setting, reference);
    } catch (error) {
      // SecretResolutionError names the setting and the reference, never a value.
      problems.push(`${(error as Error).message} (${VARIABLE})`);
      continue;
    }
    const url = handle.current();
    const decision = checkOutboundTarget(url, guard.policy());
    if (!decision.allowed) {
      problems.push(
        `${setting} (${VARIABLE}): ${shownUrl(url)} is not an allowed outbound target ` +
          `(${redactUrl(decision.error.reason, url)}); list it in ${TARGETS_KEY}`,
      );
      continue;
    }
    targets.push({ label: `${setting} (${shownUrl(url)})`, url: () => handle.current() });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return targets;
}
