import { trickle } from './support/slow-socket';
import {
  startGatewayWithEmulator,
  WEBHOOK_PATH,
  type GatewayWithEmulator,
} from './support/gateway-fixture';

const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
/** How late a cut-off may come: Node checks the limits on an interval, not per byte. */
const SLACK_MS = 1000;

/**
 * Slowloris-style senders are cut off with 408 within about a second of the configured limits,
 * not whenever Node's default 30 s connection check next runs (issue 16).
 */
describe('slow clients', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      WORKER_ENABLED: 'false',
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('answers 408 to headers trickled a byte at a time, at HEADERS_TIMEOUT_MS', async () => {
    const outcome = await trickle(
      gw.url,
      `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n`,
      `X-Slow: ${'a'.repeat(200)}`,
      300,
    );
    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(outcome.elapsedMs).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + SLACK_MS);
  }, 45_000);

  it('answers 408 to a body trickled a byte at a time, at REQUEST_TIMEOUT_MS', async () => {
    const outcome = await trickle(
      gw.url,
      `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
      `Body=${'a'.repeat(995)}`,
      300,
    );
    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(outcome.elapsedMs).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + SLACK_MS);
  }, 45_000);
});
