import { SecretCache, type SecretCacheOptions } from './secret-cache';
import { SecretResolutionError, SecretUnavailableError } from './secret-resolution.error';
import type { SecretReference } from './reference/secret-reference';

/**
 * The cache alone, with a source that is a plain in-memory map (what a Vault holds) and a clock
 * the test moves; timers are long so that only explicit refreshes run, except where a test is
 * about the timer itself.
 */
class MemorySource {
  readonly values = new Map<string, string>();
  readonly failures = new Map<string, string>();
  reads = 0;

  read = async (reference: SecretReference) => {
    this.reads++;
    const key = reference.kind === 'env' ? reference.name : JSON.stringify(reference);
    const failure = this.failures.get(key);
    if (failure) throw new SecretUnavailableError(failure);
    const value = this.values.get(key);
    if (value === undefined) throw new SecretUnavailableError('is not set');
    return { value };
  };
}

describe('SecretCache', () => {
  let source: MemorySource;
  let clock: number;
  let logged: string[];
  const caches: SecretCache[] = [];

  function cache(options: Partial<SecretCacheOptions> = {}): SecretCache {
    const created = new SecretCache({
      ttlMs: 60_000,
      retryAfterFailureMs: 60_000,
      rotationOverlapMs: 1000,
      read: source.read,
      logger: { log: (line) => logged.push(line), warn: (line) => logged.push(`WARN ${line}`) },
      now: () => clock,
      ...options,
    });
    caches.push(created);
    return created;
  }

  beforeEach(() => {
    source = new MemorySource();
    clock = 1_000_000;
    logged = [];
  });
  afterEach(() => caches.splice(0).forEach((one) => one.stop()));

  it('reads a reference once and serves it from the cache, also to concurrent callers', async () => {
    source.values.set('TOKEN', 's3cret');
    const secrets = cache();
    const values = await Promise.all([
      secrets.resolve('a', 'env:TOKEN'),
      secrets.resolve('b', 'env:TOKEN'),
      secrets.watch('c', 'env:TOKEN').then((handle) => handle.current()),
    ]);
    expect(values).toEqual(['s3cret', 's3cret', 's3cret']);
    expect(source.reads).toBe(1);
  });

  it('fails the first read with the setting and reference, never the value', async () => {
    const error = await cache()
      .resolve('b2c.password', 'env:MISSING')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect((error as Error).message).toBe('b2c.password: env:MISSING is not set');
  });

  it('refuses an empty value', async () => {
    source.values.set('EMPTY', '');
    await expect(cache().resolve('b2c.password', 'env:EMPTY')).rejects.toThrow(
      'b2c.password: env:EMPTY is empty',
    );
  });

  it('accepts the previous value after a rotation only within the overlap', async () => {
    source.values.set('TOKEN', 'old-token');
    const secrets = cache({ rotationOverlapMs: 1000 });
    const handle = await secrets.watch('vendors.twilio.authToken', 'env:TOKEN');
    const rotated: string[] = [];
    handle.onRotation(() => rotated.push(handle.current()));

    source.values.set('TOKEN', 'new-token');
    await secrets.refreshAll();

    expect(handle.current()).toBe('new-token');
    expect(rotated).toEqual(['new-token']);
    expect(handle.acceptedValues()).toEqual(['new-token', 'old-token']);
    clock += 999;
    expect(handle.acceptedValues()).toEqual(['new-token', 'old-token']);
    clock += 1;
    expect(handle.acceptedValues()).toEqual(['new-token']);
    expect(logged.join('\n')).toMatch(/vendors\.twilio\.authToken: env:TOKEN rotated/);
    expect(logged.join('\n')).not.toMatch(/old-token|new-token/);
  });

  it('does not count a refresh that read the same value as a rotation', async () => {
    source.values.set('TOKEN', 'same');
    const secrets = cache();
    const handle = await secrets.watch('x', 'env:TOKEN');
    await secrets.refreshAll();
    expect(handle.acceptedValues()).toEqual(['same']);
  });

  it('keeps the last good value when a refresh fails, reports it, and clears it on recovery', async () => {
    source.values.set('TOKEN', 'good');
    const secrets = cache();
    const handle = await secrets.watch('b2c.password', 'env:TOKEN');

    source.failures.set('TOKEN', 'cannot be read (EACCES)');
    await secrets.refreshAll();
    clock += 5000;
    await secrets.refreshAll();

    expect(handle.current()).toBe('good');
    expect(secrets.status()).toEqual({
      loaded: true,
      failing: [
        {
          setting: 'b2c.password',
          reference: 'env:TOKEN',
          since: new Date(1_000_000).toISOString(), // the first failure, not the latest
          error: 'cannot be read (EACCES)',
        },
      ],
    });
    expect(logged.filter((line) => line.startsWith('WARN'))).toEqual([
      'WARN b2c.password: refreshing env:TOKEN failed, keeping the last good value: cannot be read (EACCES)',
      'WARN b2c.password: refreshing env:TOKEN failed, keeping the last good value: cannot be read (EACCES)',
    ]);

    source.failures.clear();
    await secrets.refreshAll();
    expect(secrets.status()).toEqual({ loaded: true, failing: [] });
  });

  it('keeps the last good value when the source turns empty', async () => {
    source.values.set('TOKEN', 'good');
    const secrets = cache();
    await secrets.resolve('b2c.password', 'env:TOKEN');
    source.values.set('TOKEN', '');
    await secrets.refreshAll();
    await expect(secrets.resolve('b2c.password', 'env:TOKEN')).resolves.toBe('good');
    expect(secrets.status().failing[0].error).toBe('is empty');
  });

  it('reports a secret that never loaded as not loaded, and loads it when it appears', async () => {
    const secrets = cache();
    await expect(secrets.resolve('admin.token', 'env:LATE')).rejects.toThrow(SecretResolutionError);
    expect(secrets.status()).toMatchObject({
      loaded: false,
      failing: [{ setting: 'admin.token', reference: 'env:LATE', error: 'is not set' }],
    });

    source.values.set('LATE', 'here');
    await expect(secrets.resolve('admin.token', 'env:LATE')).resolves.toBe('here');
    expect(secrets.status()).toEqual({ loaded: true, failing: [] });
  });

  it('lists every setting that shares a failing reference', async () => {
    source.values.set('SHARED', 'v');
    const secrets = cache();
    await secrets.resolve('one', 'env:SHARED');
    await secrets.resolve('two', 'env:SHARED');
    source.values.delete('SHARED');
    await secrets.refreshAll();
    expect(secrets.status().failing.map((failing) => failing.setting)).toEqual(['one', 'two']);
  });

  it('hides what an unexpected error says, since it may quote the secret', async () => {
    const secrets = cache({
      read: () => Promise.reject(new TypeError('cannot parse "hunter2"')),
    });
    await expect(secrets.resolve('b2c.password', 'env:X')).rejects.toThrow(
      'b2c.password: env:X could not be read (TypeError)',
    );
  });

  describe('on its timer (fake timers: what did not happen is proven, not waited for)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('refreshes on its timer and stops when told', async () => {
      source.values.set('TOKEN', 'v1');
      const secrets = cache({ ttlMs: 100 });
      const handle = await secrets.watch('x', 'env:TOKEN');
      source.values.set('TOKEN', 'v2');
      await jest.advanceTimersByTimeAsync(100);
      expect(handle.current()).toBe('v2');

      secrets.stop();
      const reads = source.reads;
      source.values.set('TOKEN', 'v3');
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10 * 100);
      expect(source.reads).toBe(reads);
      expect(handle.current()).toBe('v2');
    });

    it('never reads a literal again', async () => {
      const reads: string[] = [];
      const secrets = cache({
        ttlMs: 100,
        read: async (reference) => {
          reads.push(reference.kind);
          return { value: reference.kind === 'literal' ? reference.value : 'x' };
        },
      });
      await expect(secrets.resolve('x', 'plain-value')).resolves.toBe('plain-value');
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10 * 100);
      expect(reads).toEqual(['literal']);
      // The same cache does re-read a reference on that timer: the count above could have moved.
      await secrets.watch('y', 'env:TOKEN');
      await jest.advanceTimersByTimeAsync(100);
      expect(reads).toEqual(['literal', 'env', 'env']);
    });
  });
});
