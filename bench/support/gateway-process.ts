import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allowOutbound } from '../../test/support/allow-outbound';
import { freePort } from '../../test/support/free-port';
import { B2C_PASSWORD, B2C_USERNAME } from './emulator-process';
import { knobs } from './knobs';
import { type BenchProcess, startNode, untilListening } from './processes';
import { TWILIO_AUTH_TOKEN, TWILIO_PUBLIC_BASE } from './twilio-load';

/** Nothing listens on the discard port: a B2C site for runs whose worker is off. */
const NO_B2C = 'http://127.0.0.1:9';

export interface GatewayOptions {
  dataDir: string;
  /** B2C site (an emulator); none when only intake is measured. */
  b2cUrl?: string;
  workerEnabled: boolean;
  env?: Record<string, string>;
  /** The built gateway to run; `BENCH_DIST` (knobs.dist) when absent. */
  dist?: string;
}

export interface GatewayProcess {
  url: string;
  proc: BenchProcess;
  stop(): Promise<void>;
}

/**
 * The built gateway (`node <dist>/main.js`, BENCH_DIST by default) with B2C at a loopback
 * emulator. NODE_ENV is `test` because production refuses plain-http outbound targets, which the
 * emulator is; nothing else in the gateway depends on it.
 */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = await freePort();
  const b2cUrl = options.b2cUrl ?? NO_B2C;
  const outbound = allowOutbound([b2cUrl]);
  const proc = startNode('gateway', [join(options.dist ?? knobs.dist, 'main.js')], {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: TWILIO_PUBLIC_BASE,
    DATA_DIR: options.dataDir,
    B2C_URL: b2cUrl,
    B2C_USERNAME,
    B2C_PASSWORD,
    WORKER_ENABLED: String(options.workerEnabled),
    VENDOR_TWILIO__AUTH_TOKEN: TWILIO_AUTH_TOKEN,
    LOG_LEVEL: knobs.logLevel,
    // One load generator on one address stands for many vendors' senders: the throttler stays
    // in the path (its cost is measured) with limits this load cannot reach.
    THROTTLE_PER_VENDOR: '10000000',
    THROTTLE_PER_SOURCE: '10000000',
    ...outbound,
    ...options.env,
  });
  // The helper may put the allowlist in a temporary YAML file (GATEWAY_CONFIG) rather than in
  // variables; remove it with the gateway.
  const cleanUp = () => {
    const file = outbound.GATEWAY_CONFIG as string | undefined;
    if (file) rmSync(dirname(file), { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilListening(proc, `${url}/health/live`);
  } catch (error) {
    await proc.stop();
    cleanUp();
    throw error;
  }
  return {
    url,
    proc,
    stop: async () => {
      await proc.stop();
      cleanUp();
    },
  };
}
