/**
 * An open-loop load generator for (b): requests leave at an even pace (`rate` per second,
 * one every 1000 / rate ms), whatever the answers do, over at most `connections` keep-alive
 * connections, each with the vendor's response timeout. autocannon's own rate limiting releases
 * each connection's share at the start of every second, i.e. in bursts of `connections` at once,
 * which would measure the burst rather than the design.
 */
import { Agent, request as httpRequest } from 'node:http';
import { percentile, round } from './stats';
import type { LoadFigures, OutgoingRequest } from './twilio-load';

export interface PacedLoadOptions {
  url: string;
  seconds: number;
  rate: number;
  connections: number;
  timeoutS: number;
  request: () => OutgoingRequest;
}

type Outcome = { kind: 'ok' | 'non2xx'; ms: number } | { kind: 'timeout' | 'error' };

function send(agent: Agent, url: URL, body: OutgoingRequest, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...body.headers, 'content-length': Buffer.byteLength(body.body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
          resolve({ kind: ok ? 'ok' : 'non2xx', ms });
        });
      },
    );
    // The vendor gives up after timeoutMs in total, as Twilio does, whether the connection was
    // waiting for a free socket or for the answer.
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.once('error', () => resolve({ kind: 'error' }));
    req.end(body.body);
  });
}

export async function pacedLoad(options: PacedLoadOptions): Promise<LoadFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.url);
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.seconds * options.rate);
  const started = Date.now();
  const pending: Promise<Outcome>[] = [];
  for (let i = 0; i < total; i += 1) {
    // Paced against the start, so a late timer does not lower the rate.
    const wait = started + i * intervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(agent, url, options.request(), options.timeoutS * 1000));
  }
  const outcomes = await Promise.all(pending);
  agent.destroy();
  const latencies = outcomes
    .flatMap((outcome) => (outcome.kind === 'ok' ? [outcome.ms] : []))
    .sort((a, b) => a - b);
  const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  const timeouts = count('timeout');
  return {
    requestsPerSecond: latencies.length / options.seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    max: round(latencies[latencies.length - 1] ?? 0),
    ok: latencies.length,
    non2xx: count('non2xx'),
    errors: count('error') + timeouts,
    timeouts,
    sent: total,
  };
}
