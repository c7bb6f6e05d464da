import Redis from 'ioredis';
import { ConfigError } from '../common/problem/config-error';

/** The setting and its variable, as start-up errors name them. */
const SETTING = 'throttle.redisUrl (REDIS_URL)';
/** Start-up waits this long for Redis before giving up with a configuration error. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * The throttle sits in front of every webhook: a Redis that stops answering must cost a webhook
 * this much at most before the storage counts in memory instead.
 */
const COMMAND_TIMEOUT_MS = 500;

/**
 * A connected client for the shared throttle counters, or a ConfigError naming the setting and
 * the server (never the password). Commands are never queued while the connection is down: they
 * fail at once, so the throttle falls back to memory instead of holding webhooks.
 */
export async function connectThrottleRedis(url: string): Promise<Redis> {
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: 'b2c-webhook-gateway-throttle',
    });
  } catch (error) {
    throw new ConfigError([startupProblem(url, error)]);
  }
  // connect() rejects with a bare "Connection is closed."; the error event says why.
  let cause: unknown;
  const remember = (error: unknown) => (cause = error);
  client.on('error', remember);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new ConfigError([startupProblem(url, cause ?? error)]);
  } finally {
    client.off('error', remember);
  }
}

/** Names the server and database from the URL, never its user, password or options. */
function startupProblem(url: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let where = 'Redis';
  try {
    const parsed = new URL(url);
    where = `Redis at ${parsed.hostname}:${parsed.port || 6379}${parsed.pathname}`;
  } catch {
    // Not a URL: say nothing of it, it may hold a password.
  }
  return `${SETTING}: cannot connect to ${where}: ${message.split(url).join('<url>')}`;
}
