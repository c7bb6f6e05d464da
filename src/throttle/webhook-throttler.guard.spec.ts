import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { webhookThrottlerOptions } from './throttle.module';
import { WebhookThrottlerGuard } from './webhook-throttler.guard';
import { WindowCounterStorage } from './window-counter.storage';

class WebhookRoute {
  receive(): void {}
}

/**
 * The library's own guard on the module's options, with the memory storage: what a webhook meets
 * in `THROTTLE_STORAGE=memory`. Fake timers move the clock both of them read. The storage's own
 * counting is window-counter.storage.spec.ts's.
 */
describe('WebhookThrottlerGuard', () => {
  let storage: WindowCounterStorage;
  let config: GatewayConfig;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    storage = new WindowCounterStorage(() => Date.now());
    config = new GatewayConfig();
    Object.assign(config.throttle, { windowMs: 1000, perSource: 3, perVendor: 100 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  async function guard(): Promise<WebhookThrottlerGuard> {
    const created = new WebhookThrottlerGuard(
      webhookThrottlerOptions(config, storage),
      storage,
      new Reflector(),
    );
    await created.onModuleInit();
    return created;
  }

  /** One webhook: 'let through', or the refusal's Retry-After header. */
  async function webhook(
    throttle: WebhookThrottlerGuard,
    { ip = '10.0.0.1', vendor = 'twilio' } = {},
  ): Promise<string> {
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    const request = { ip, raw: {}, params: { name: vendor }, headers: {} };
    const context = new ExecutionContextHost(
      [request, reply],
      WebhookRoute,
      WebhookRoute.prototype.receive,
    );
    try {
      expect(await throttle.canActivate(context)).toBe(true);
      return 'let through';
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe(ProblemCode.Throttled);
      return `retry-after ${headers.get('retry-after')}`;
    }
  }

  async function webhooks(throttle: WebhookThrottlerGuard, count: number, at = {}) {
    const outcomes: string[] = [];
    for (let i = 0; i < count; i += 1) outcomes.push(await webhook(throttle, at));
    return outcomes;
  }

  it('refuses a source over its limit with a plain Retry-After, other sources keep theirs', async () => {
    const throttle = await guard();
    expect(await webhooks(throttle, 5)).toEqual([
      'let through',
      'let through',
      'let through',
      'retry-after 1',
      'retry-after 1',
    ]);
    expect(await webhook(throttle, { ip: '10.0.0.2' })).toBe('let through');
  });

  it('counts a vendor over all sources, made-up vendor names in one bucket', async () => {
    Object.assign(config.throttle, { perSource: 100, perVendor: 2 });
    const throttle = await guard();
    expect(await webhook(throttle, { ip: '10.0.0.1' })).toBe('let through');
    expect(await webhook(throttle, { ip: '10.0.0.2' })).toBe('let through');
    expect(await webhook(throttle, { ip: '10.0.0.3' })).toBe('retry-after 1');
    expect(await webhook(throttle, { ip: '10.0.0.3', vendor: 'plivo' })).toBe('let through');
    expect(await webhook(throttle, { vendor: 'No Such Vendor' })).toBe('let through');
    expect(await webhook(throttle, { vendor: '../etc' })).toBe('let through');
    expect(await webhook(throttle, { vendor: 'Another Made Up' })).toBe('retry-after 1');
  });

  it('counts nothing while throttling is off', async () => {
    config.throttle.enabled = false;
    const throttle = await guard();
    expect(await webhooks(throttle, 5)).not.toContain('retry-after 1');
    expect(storage.size).toBe(0);
  });
});
