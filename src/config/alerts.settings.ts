import 'reflect-metadata';
import { IsArray, IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';

/** `slack`: `{ "text": "…" }` (Slack, Mattermost, Teams workflows); `json`: structured fields. */
export const ALERT_FORMATS = ['slack', 'json'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/**
 * `alerts`: webhooks told when the gateway needs a person (dead letters growing, a backlog, B2C
 * unreachable, a burst of bad signatures), once per condition and again when it clears. Off
 * while no URL is set.
 */
export class AlertsSettings {
  /**
   * Secret references (`env:NAME`, `file:/path`, `oci-vault:…` or the URL itself) to https URLs
   * on the outbound allowlist: a Slack webhook URL is itself a credential.
   */
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  webhookUrls: string[] = [];
  @IsIn(ALERT_FORMATS) format: AlertFormat = 'slack';
  /** How often the conditions are evaluated (by one process at a time). */
  @IsInt() @Min(100) @Max(3_600_000) checkIntervalMs = 30_000;
  /** Dead letters fire when their count grew by at least this since the condition was clear. */
  @IsInt() @Min(1) @Max(1_000_000) deadLettersIncrease = 1;
  /** The oldest pending message fires when it has waited at least this long. */
  @IsInt() @Min(1) @Max(30 * 24 * 3600) oldestPendingSeconds = 900;
  /** B2C fires when no call has been answered (as reachable) for this long while calls failed. */
  @IsInt() @Min(1) @Max(24 * 60) b2cFailingMinutes = 5;
  /** Signature refusals per minute, averaged over `signatureFailuresWindowSeconds`. */
  @IsInt() @Min(1) @Max(1_000_000) signatureFailuresPerMinute = 20;
  /** The window signature refusals are counted over; the alert clears once it has passed. */
  @IsInt() @Min(1) @Max(3600) signatureFailuresWindowSeconds = 300;
}
