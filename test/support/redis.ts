import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { availableSync } from './available-sync';

/**
 * The server Redis tests use: `TEST_REDIS_URL` (CI sets it), else this machine's local server.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let available: Promise<boolean> | undefined;

/**
 * Whether the server answers. In CI (`CI=true`) a missing server is an error, so no Redis test
 * is ever skipped there; elsewhere the suites that need it say they were skipped.
 */
export function redisAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 3000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // connect() rejects with a bare "Connection is closed."; the error event says why.
    let cause: unknown;
    client.on('error', (error) => (cause = error));
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch (thrown) {
      const error = cause ?? thrown;
      if (process.env.CI === 'true') {
        throw new Error(`Redis at ${TEST_REDIS_URL} is required in CI: ${String(error)}`);
      }
      process.stderr.write(
        `Redis at ${TEST_REDIS_URL} is not reachable: its tests are skipped (${String(error)})\n`,
      );
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return available;
}

/**
 * `redisAvailable()` asked before jest registers a suite's cases (it cannot wait for a promise
 * then), in a child process: it says on stderr that `suite`'s Redis cases are skipped, and in CI
 * (`CI=true`) throws, failing the suite.
 */
export function redisAvailableSync(suite: string): boolean {
  return availableSync('redis', 'redisAvailable', 'Redis', suite);
}

export interface TestKeyspace {
  /**
   * The server's URL with a key prefix of the test's own (ioredis reads client options from the
   * query string), so tests sharing a server never count each other's hits.
   */
  url: string;
  prefix: string;
  /** Deletes every key under the prefix. */
  drop(): Promise<void>;
}

export function freshKeyspace(): TestKeyspace {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const url = new URL(TEST_REDIS_URL);
  url.searchParams.set('keyPrefix', prefix);
  return {
    url: url.toString(),
    prefix,
    drop: async () => {
      const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          keys.push(...found);
          cursor = next;
        } while (cursor !== '0');
        if (keys.length > 0) await client.del(...keys);
      } finally {
        client.disconnect();
      }
    },
  };
}
