/**
 * The load generator of every benchmark: autocannon in this process, sending unique inbound SMS
 * webhooks, signed as Twilio signs them (or, for the seed's design, in the seed's JSON shape).
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { encodeTwilioForm } from '../../src/vendors/twilio/fixtures';
import { computeTwilioSignature } from '../../src/vendors/twilio/twilio-signature';

export const TWILIO_AUTH_TOKEN = randomBytes(16).toString('hex');
export const TWILIO_PUBLIC_BASE = 'https://bench.example.com';
export const WEBHOOK_PATH = '/vendors/twilio/webhook';
/** Twilio waits this long for a webhook's answer (error 11205), then fails the message. */
export const TWILIO_TIMEOUT_S = 15;

const runId = randomBytes(4).toString('hex');
let sequence = 0;

/** A new inbound SMS from a new sender each time: the worst case for every cache and lookup. */
export function nextSms(): Record<string, string> {
  sequence += 1;
  return {
    MessageSid: `SM${runId}${sequence.toString(16).padStart(24, '0')}`,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: senderNumber(sequence),
    To: '+14155550100',
    Body: `Benchmark message ${sequence}: my order has not arrived`,
    NumMedia: '0',
    SmsStatus: 'received',
  };
}

/** Valid US numbers (+1 415 2xx xxxx), distinct for the first 7 million values of `n`. */
export function senderNumber(n: number): string {
  return `+1415${2_000_000 + (n % 7_000_000)}`;
}

export interface OutgoingRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedTwilioWebhook(): OutgoingRequest {
  const params = nextSms();
  return {
    body: encodeTwilioForm(params),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': computeTwilioSignature(
        TWILIO_AUTH_TOKEN,
        TWILIO_PUBLIC_BASE + WEBHOOK_PATH,
        params,
      ),
    },
  };
}

/** The same message in the JSON shape the seed's function reads (`body`, `from`, `to`). */
export function seedJsonWebhook(): OutgoingRequest {
  const sms = nextSms();
  return {
    body: JSON.stringify({
      sid: sms.MessageSid,
      account_sid: sms.AccountSid,
      api_version: '2010-04-01',
      body: sms.Body,
      direction: 'inbound',
      from: sms.From,
      to: sms.To,
      num_media: '0',
      num_segments: '1',
      status: 'received',
    }),
    headers: { 'content-type': 'application/json' },
  };
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  request: () => OutgoingRequest;
  /** Offered requests per second over all connections; absent: as fast as answers come. */
  overallRate?: number;
  timeoutS?: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  /** Latency of 2xx answers, ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  ok: number;
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  timeouts: number;
  sent: number;
}

export async function load(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutS ?? TWILIO_TIMEOUT_S,
    ...(options.overallRate
      ? {
          overallRate: options.overallRate,
          // autocannon's correction assumes an interval of ceil(1 / per-connection rate) ms,
          // which for a few requests per second adds hundreds of fictitious samples per answer.
          ignoreCoordinatedOmission: true,
        }
      : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, headers } = options.request();
          return { ...request, body, headers };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    max: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    sent: result.requests.sent,
  };
}
