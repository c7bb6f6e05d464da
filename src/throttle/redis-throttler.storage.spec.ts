import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

describe('RedisThrottlerStorage', () => {
  let warn: jest.SpyInstance;
  // A client that never connects: the shared counters are a fake here.
  const redis = new Redis({ lazyConnect: true });
  const clock = { now: 1_000_000 };
  let shared: jest.Mocked<ThrottlerStorage>;
  let storage: RedisThrottlerStorage;
  const hit = () => storage.increment('source|source:10.0.0.1', 1000, 2, 1000, 'source');

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    shared = { increment: jest.fn() };
    storage = new RedisThrottlerStorage(redis, { shared, clock: () => clock.now });
  });
  afterEach(() => warn.mockRestore());
  afterAll(() => storage.onApplicationShutdown());

  it('answers with the shared count while Redis answers', async () => {
    const record = { totalHits: 7, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 };
    shared.increment.mockResolvedValue(record);
    expect(await hit()).toBe(record);
    expect(shared.increment).toHaveBeenCalledWith(
      'source|source:10.0.0.1',
      1000,
      2,
      1000,
      'source',
    );
  });

  it('fails open to counting in memory, logs once a minute, and tries Redis again', async () => {
    shared.increment.mockRejectedValue(new Error('Command timed out'));
    // Let through, but still limited by this instance's own count.
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    expect(shared.increment).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/Command timed out.*let through/);

    clock.now += 1_000;
    await hit();
    expect(shared.increment).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);

    shared.increment.mockResolvedValue({
      totalHits: 1,
      timeToExpire: 1,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    clock.now += 1_000;
    expect((await hit()).totalHits).toBe(1);
    expect(shared.increment).toHaveBeenCalledTimes(3);
    expect(log).toHaveBeenCalledWith('Redis answers again: throttle counts are shared again');
    log.mockRestore();
  });
});
