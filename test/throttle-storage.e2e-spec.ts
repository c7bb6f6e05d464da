import { createServer, connect, type Server, type Socket } from 'node:net';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { freePort } from './support/free-port';
import { nextSid, postSigned, smsParams, startTestEmulator } from './support/gateway-fixture';
import { gatewayEnv } from './support/gateway-env';
import { runGatewayUntilExit } from './support/gateway-process';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import {
  freshKeyspace,
  redisAvailableSync,
  TEST_REDIS_URL,
  type TestKeyspace,
} from './support/redis';

/** Small enough to reach in a few requests; a window long enough that none expires meanwhile. */
const THROTTLE = { THROTTLE_PER_SOURCE: '3', THROTTLE_WINDOW_MS: '30000', WORKER_ENABLED: 'false' };

/** A TCP relay to Redis that the test can cut, as a network failure would. */
async function startRelay(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = new URL(target.toString());
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('throttle counters across instances', () => {
  const withRedis = redisAvailableSync('throttle storage') ? it : it.skip;
  let emulator: RunningEmulator;
  let keyspace: TestKeyspace | undefined;
  const gateways: InProcessGateway[] = [];

  const start = async (extra: Record<string, string>) => {
    const gateway = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: { ...THROTTLE, ...extra },
      }),
    );
    gateways.push(gateway);
    return gateway;
  };
  const webhook = async (gateway: InProcessGateway) =>
    (await postSigned(gateway.url, smsParams(nextSid()))).status;

  beforeAll(async () => {
    ({ emulator } = await startTestEmulator());
  });
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    await keyspace?.drop();
    keyspace = undefined;
  });
  afterAll(() => emulator.close());

  withRedis('with redis, counts requests spread over two instances against one limit', async () => {
    keyspace = freshKeyspace();
    const shared = { THROTTLE_STORAGE: 'redis', REDIS_URL: keyspace.url };
    const [first, second] = [await start(shared), await start(shared)];
    expect([await webhook(first), await webhook(second), await webhook(first)]).toEqual([
      200, 200, 200,
    ]);
    expect(await webhook(second)).toBe(429);
    expect(await webhook(first)).toBe(429);
  });

  it('with memory, lets each instance count alone', async () => {
    const [first, second] = [await start({}), await start({})];
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await webhook(first));
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await webhook(second)).toBe(200);
  });

  withRedis(
    'lets webhooks through when Redis goes away, counting per instance meanwhile',
    async () => {
      keyspace = freshKeyspace();
      const relay = await startRelay(new URL(keyspace.url));
      const gateway = await start({ THROTTLE_STORAGE: 'redis', REDIS_URL: relay.url });
      expect(await webhook(gateway)).toBe(200);
      await relay.cut();
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push(await webhook(gateway));
      // One hit went to Redis before the cut; the memory count starts afresh.
      expect(statuses).toEqual([200, 200, 200, 429]);
      const warnings = gateway.logs.filter((line) => /Redis unavailable/.test(String(line.msg)));
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].msg)).toMatch(/let through/);
    },
  );

  it('refuses to start when Redis cannot be reached, naming the setting, not the password', async () => {
    const port = await freePort();
    const url = new URL(TEST_REDIS_URL);
    url.host = `127.0.0.1:${port}`;
    url.password = 'hunter2-redis-password';
    url.pathname = '/3';
    // Its own process: a start that fails here leaves the inbox opening behind it, which would
    // keep this test process alive; the gateway's own process exits on the error instead.
    const { code, output: message } = await runGatewayUntilExit(
      gatewayEnv({
        emulatorUrl: emulator.url,
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: { ...THROTTLE, THROTTLE_STORAGE: 'redis', REDIS_URL: url.toString() },
      }),
    );
    expect(code).toBe(1);
    expect(message).toContain(
      `throttle.redisUrl (REDIS_URL): cannot connect to Redis at 127.0.0.1:${port}/3`,
    );
    expect(message).not.toContain('hunter2');
  });
});
