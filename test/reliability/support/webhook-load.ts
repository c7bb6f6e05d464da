import { randomBytes } from 'node:crypto';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../../../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from '../../support/gateway-env';
import { smsParams, WEBHOOK_PATH } from '../../support/gateway-fixture';
import { sleep } from '../../support/wait-for';

/** One unique webhook and every answer it got, in order. */
export interface SentWebhook {
  messageSid: string;
  from: string;
  /** HTTP status codes as strings, or the network error code (ECONNREFUSED, ...). */
  outcomes: string[];
  /** At least one 2xx: the gateway promised to keep it. */
  acked: boolean;
}

export interface LoadOptions {
  /** The gateway's origin; its port stays the same across restarts. */
  gatewayUrl: string;
  /**
   * Several gateway processes (gatewayUrl is then ignored): each webhook starts at the next one
   * in turn and each re-send of it goes to the one after, so a vendor retry reaches another process.
   */
  gatewayUrls?: readonly string[];
  /** Index of the first sender's phone number, so loads in one test use different senders. */
  firstSender?: number;
  /** Concurrent senders; each has its own phone number and sends one webhook at a time. */
  senders: number;
  /** Pause of each sender between two messages, to keep the drain short. */
  pauseMs: number;
  /** Sends of one webhook, including the first, before the sender gives up on it. */
  maxSends: number;
  /** Wait before the n-th re-send: n times this, at most 1 s. */
  retryDelayMs: number;
}

export interface LoadSummary {
  sent: number;
  acked: number;
  unacked: number;
  /** How often each outcome was seen, e.g. { '200': 950, '503': 40, ECONNREFUSED: 12 }. */
  outcomes: Record<string, number>;
}

/** Per request: a stuck gateway must not stall a sender forever. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Valid US numbers (libphonenumber), one per sender. */
export const senderPhone = (index: number) => `+1415555${(2600 + index).toString()}`;

/**
 * Concurrent vendors posting unique, correctly signed Twilio SMS webhooks. Like a vendor, a sender
 * re-sends the same webhook (same bytes, same signature) until it gets a 2xx or gives up, so
 * "acknowledged" in the results means the gateway said it kept the message.
 */
export class WebhookLoad {
  readonly webhooks = new Map<string, SentWebhook>();
  /** Every send in time order, to tell what the gateway answered during a fault window. */
  readonly sendLog: { at: number; outcome: string; target: string }[] = [];
  private running = false;
  private senders: Promise<void>[] = [];
  private readonly runId = randomBytes(6).toString('hex');
  private sequence = 0;
  private readonly targets: readonly string[];
  /** Gateway the next webhook is first sent to (an index into targets). */
  private nextTarget = 0;

  constructor(private readonly options: LoadOptions) {
    this.targets = options.gatewayUrls?.length ? options.gatewayUrls : [options.gatewayUrl];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.senders = Array.from({ length: this.options.senders }, (_, index) => this.send(index));
  }

  /** Stops the senders (a webhook being retried is left as it is) and sums up. */
  async stop(): Promise<LoadSummary> {
    this.running = false;
    await Promise.all(this.senders);
    return this.summary();
  }

  /** Adds a webhook sent by other means (e.g. a slow request), so the invariant covers it. */
  record(webhook: SentWebhook): void {
    this.webhooks.set(webhook.messageSid, webhook);
  }

  /** A message SID unique to this run. */
  nextSid(): string {
    this.sequence += 1;
    return `SM${this.runId}${this.sequence.toString(16).padStart(20, '0')}`;
  }

  summary(): LoadSummary {
    const outcomes: Record<string, number> = {};
    let acked = 0;
    for (const webhook of this.webhooks.values()) {
      if (webhook.acked) acked += 1;
      for (const outcome of webhook.outcomes) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return { sent: this.webhooks.size, acked, unacked: this.webhooks.size - acked, outcomes };
  }

  /**
   * One new webhook from `from`, sent like a vendor (re-sent until a 2xx, at most maxSends
   * times) whether or not the load is running; recorded, so the invariant covers it.
   */
  async sendOne(from: string): Promise<SentWebhook> {
    const webhook = this.newWebhook(from);
    await this.sendUntilAcked(webhook, () => true);
    return webhook;
  }

  /** One new webhook sent once to each of `gatewayUrls` in order, however they answer. */
  async sendToEach(from: string, gatewayUrls: readonly string[]): Promise<SentWebhook> {
    const webhook = this.newWebhook(from);
    const signed = this.sign(webhook);
    for (const url of gatewayUrls) this.note(webhook, await this.post(url, signed));
    return webhook;
  }

  private async send(index: number): Promise<void> {
    const from = senderPhone((this.options.firstSender ?? 0) + index);
    while (this.running) {
      await this.sendUntilAcked(this.newWebhook(from), () => this.running);
      await sleep(this.options.pauseMs);
    }
  }

  private newWebhook(from: string): SentWebhook {
    const messageSid = this.nextSid();
    const webhook: SentWebhook = { messageSid, from, outcomes: [], acked: false };
    this.webhooks.set(messageSid, webhook);
    return webhook;
  }

  private sign(webhook: SentWebhook): { headers: Record<string, string>; body: Buffer } {
    const { messageSid, from } = webhook;
    return signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
      params: smsParams(messageSid, { From: from, Body: `reliability ${messageSid}` }),
    });
  }

  private async sendUntilAcked(webhook: SentWebhook, keepGoing: () => boolean): Promise<void> {
    const signed = this.sign(webhook);
    const first = this.nextTarget;
    this.nextTarget = (this.nextTarget + 1) % this.targets.length;
    for (let sends = 1; sends <= this.options.maxSends && keepGoing(); sends += 1) {
      const target = this.targets[(first + sends - 1) % this.targets.length];
      if (this.note(webhook, await this.post(target, signed))) break;
      await sleep(Math.min(1000, this.options.retryDelayMs * sends));
    }
  }

  /** Records one answer; true when it was a 2xx. */
  private note(webhook: SentWebhook, sent: { outcome: string; target: string }): boolean {
    webhook.outcomes.push(sent.outcome);
    this.sendLog.push({ at: Date.now(), ...sent });
    if (!/^2\d\d$/.test(sent.outcome)) return false;
    webhook.acked = true;
    return true;
  }

  private async post(
    target: string,
    signed: { headers: Record<string, string>; body: Buffer },
  ): Promise<{ outcome: string; target: string }> {
    try {
      const response = await fetch(target + WEBHOOK_PATH, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return { outcome: String(response.status), target };
    } catch (error) {
      return { outcome: networkErrorCode(error), target };
    }
  }
}

/**
 * fetch reports network failures as a TypeError whose cause carries the socket error code. Read
 * by shape: under jest, errors from Node's fetch come from another realm than `Error` here.
 */
export function networkErrorCode(error: unknown): string {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError') return 'TIMEOUT';
  if (typeof cause?.code === 'string') return cause.code;
  return typeof name === 'string' ? name : 'UNKNOWN';
}
