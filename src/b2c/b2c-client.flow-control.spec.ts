import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { GatewayConfig } from '../config/gateway-config';
import { B2cClient, MAX_PAUSE_MS } from './b2c-client';
import { B2cError } from './b2c-error';
import { EmulatorControl } from '../emulators/b2c-service/emulator-control';
import { startEmulator, type RunningEmulator } from '../emulators/b2c-service/emulator';
import type { B2cFlowControl } from '../delivery/flow-control/b2c-flow-control.port';
import { MemoryB2cFlowControl } from '../delivery/flow-control/memory-flow-control';

/** B2cClient with its flow control, against the emulator: rate, B2C's pause, and the timeout. */
describe('B2cClient flow control (against the emulator)', () => {
  const username = 'integration';
  const password = 'flow-control-spec-secret';
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let flow: B2cFlowControl;

  beforeAll(async () => {
    emulator = await startEmulator({ dbFile: ':memory:', username, password });
    control = new EmulatorControl(emulator.url, username, password);
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    await control.reset();
  });

  afterEach(async () => {
    await flow.close();
  });

  function client(rateLimitPerSecond: number, timeoutMs = 5_000): B2cClient {
    const config = new GatewayConfig();
    config.b2c.rateLimitPerSecond = rateLimitPerSecond;
    flow = new MemoryB2cFlowControl(rateLimitPerSecond);
    const http = new HttpService(
      axios.create({
        baseURL: `${emulator.url}/services/rest/connect/v1.4/`,
        auth: { username, password },
        headers: { 'OSvC-CREST-Application-Context': 'flow control spec' },
        timeout: timeoutMs,
      }),
    );
    return new B2cClient(http, config, flow);
  }

  const lookup = (b2c: B2cClient, i: number) => b2c.findContactIdsByPhone(`+1415555${1000 + i}`);

  /** When each request reached the emulator, in ms after `start`, in arrival order. */
  async function arrivals(start: number): Promise<number[]> {
    return (await control.requests()).map((request) => Date.parse(request.at) - start);
  }

  it('spreads concurrent calls at the configured rate', async () => {
    const b2c = client(20);
    const start = Date.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => lookup(b2c, i)));
    const times = await arrivals(start);
    expect(times).toHaveLength(6);
    // Never before its slot (50 ms apart); a slow machine can only make them later.
    times.forEach((at, i) => expect(at).toBeGreaterThanOrEqual(i * 50 - 2));
  });

  it('sends at once when no limit is configured', async () => {
    const b2c = client(0);
    const start = Date.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => lookup(b2c, i)));
    const times = await arrivals(start);
    expect(times).toHaveLength(6);
    expect(times[5]).toBeLessThan(5 * 50 - 2);
  });

  it('pauses every call at once on 503 OSC-CREST-00035, before the error reaches the caller', async () => {
    const b2c = client(0);
    await control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': '700' },
      times: 1,
    });
    const before = Date.now();
    const throttled = await lookup(b2c, 0).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(B2cError);
    expect((throttled as B2cError).failure.pauseAllMs).toBe(700);
    // Already paused when the caller learns of the 503: its other calls wait too.
    expect(flow.pausedUntil()).toBeGreaterThanOrEqual(before + 700);
    await Promise.all([1, 2, 3].map((i) => lookup(b2c, i)));

    const requests = await control.requests();
    expect(requests.map((r) => r.status)).toEqual([503, 200, 200, 200]);
    const answeredAt = Date.parse(requests[0].at);
    for (const request of requests.slice(1)) {
      expect(Date.parse(request.at) - answeredAt).toBeGreaterThanOrEqual(700 - 2);
    }
  });

  it('does not pause on another 503, even with the header', async () => {
    const b2c = client(0);
    await control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00001',
      headers: { 'osvc-crest-next-request-after': '700' },
      times: 1,
    });
    await expect(lookup(b2c, 0)).rejects.toBeInstanceOf(B2cError);
    expect(flow.pausedUntil()).toBe(0);
  });

  it('keeps a pause within MAX_PAUSE_MS whatever the header says', async () => {
    const b2c = client(0);
    await control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': String(30 * 24 * 3600_000) },
      times: 1,
    });
    const before = Date.now();
    await expect(lookup(b2c, 0)).rejects.toBeInstanceOf(B2cError);
    expect(flow.pausedUntil()).toBeGreaterThanOrEqual(before + MAX_PAUSE_MS);
    expect(flow.pausedUntil()).toBeLessThanOrEqual(Date.now() + MAX_PAUSE_MS);
  });

  it('does not count the wait for a pause against the request timeout', async () => {
    const b2c = client(0, 300);
    const pausedUntil = Date.now() + 800;
    await flow.pause(pausedUntil);
    // Waits 800 ms for the pause, longer than the 300 ms timeout, then succeeds.
    await expect(lookup(b2c, 0)).resolves.toEqual([]);
    const [request] = await control.requests();
    expect(Date.parse(request.at)).toBeGreaterThanOrEqual(pausedUntil - 1);
    expect(request.status).toBe(200);
  });
});
