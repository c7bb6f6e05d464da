import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TWILIO_TEST_AUTH_TOKEN } from '../../../src/vendors/twilio/fixtures';
import { freePort } from '../../support/free-port';
import { gatewayEnv } from '../../support/gateway-env';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process';
import { sleep, waitFor } from '../../support/wait-for';
import { checkDeliveryInvariant, type InvariantReport } from './delivery-invariant';
import { readEmulator } from './emulator-snapshot';
import { readInbox } from './inbox-snapshot';
import { RestartableEmulator } from './restartable-emulator';
import { WebhookLoad, type LoadOptions, type LoadSummary } from './webhook-load';

export interface RigOptions {
  /** Where the gateway keeps its inbox (e.g. a small filesystem); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Extra gateway environment (LOG_LEVEL, worker settings, ...). */
  env?: Record<string, string>;
  load?: Partial<Omit<LoadOptions, 'gatewayUrl'>>;
}

export interface GatewayExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the process's end. */
  ms: number;
}

export interface ScenarioResult {
  load: LoadSummary;
  report: InvariantReport;
  drainMs: number;
  /** How the gateway ended after the drain (SIGTERM): a clean shutdown exits 0. */
  finalExit: GatewayExit;
}

/** No B2C request for this long after the backlog is in: nothing is pending or in backoff. */
const QUIET_MS = 3_000;
const DRAIN_TIMEOUT_MS = 90_000;
/** Longer than the gateway's own shutdown deadline (25 s, src/main.ts). */
const STOP_TIMEOUT_MS = 35_000;

/**
 * One scenario's world: the B2C emulator, the gateway as a child process on a fixed port and
 * data directory (so it can be killed and restarted), and vendors posting webhooks to it.
 */
export class ReliabilityRig {
  readonly emulator = new RestartableEmulator();
  readonly dataDir: string;
  gateway: GatewayProcess | undefined;
  load!: WebhookLoad;
  private port = 0;
  private env: Record<string, string> = {};
  /** Output of gateways that have ended, for a failure message. */
  private pastOutput = '';

  private constructor(private readonly options: RigOptions) {
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'reliability-gateway-'));
  }

  static async start(options: RigOptions = {}): Promise<ReliabilityRig> {
    const rig = new ReliabilityRig(options);
    await rig.emulator.start();
    rig.port = await freePort();
    rig.env = gatewayEnv({
      emulatorUrl: rig.emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      dataDir: rig.dataDir,
      extra: {
        // After a create whose answer was lost, the next attempt waits this long before it looks
        // for the incident: the emulator finishes a create well within it.
        B2C_SETTLE_DELAY_MS: '1000',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
    rig.load = new WebhookLoad({
      gatewayUrl: `http://127.0.0.1:${rig.port}`,
      senders: 12,
      pauseMs: 100,
      maxSends: 8,
      retryDelayMs: 150,
      ...options.load,
    });
    try {
      await rig.startGateway();
    } catch (error) {
      // The scenario's afterAll has no rig to dispose of: leave no listening emulator behind.
      await rig.emulator.stop();
      throw error;
    }
    return rig;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async startGateway(): Promise<GatewayProcess> {
    this.gateway = await startGatewayProcess(this.env, this.port);
    return this.gateway;
  }

  /** Sends `signal` and waits for the process to end (SIGKILL: at once; SIGTERM: a clean drain). */
  async stopGateway(signal: NodeJS.Signals): Promise<GatewayExit> {
    const gateway = this.gateway;
    if (!gateway) throw new Error('no gateway is running');
    const exit = await signalAndWait(gateway, signal);
    this.pastOutput += gateway.output();
    this.gateway = undefined;
    return exit;
  }

  /** Everything the gateway processes of this scenario wrote, for failure messages. */
  output(): string {
    return this.pastOutput + (this.gateway?.output() ?? '');
  }

  /**
   * Stops the load, waits until B2C holds an incident per acknowledged webhook and the gateway
   * has sent nothing to B2C for a while (nothing pending, nothing in backoff), stops the gateway
   * with SIGTERM and checks the invariant against its inbox and B2C.
   */
  async drainAndCheck(): Promise<ScenarioResult> {
    const load = await this.load.stop();
    const started = Date.now();
    await waitFor(
      `B2C to hold ${load.acked} incidents`,
      async () => ((await this.emulator.incidentCount()) >= load.acked ? true : undefined),
      DRAIN_TIMEOUT_MS,
      250,
    );
    await waitFor(
      'the gateway to stop calling B2C',
      async () => {
        await this.emulator.control.clearRequests();
        await sleep(QUIET_MS);
        return (await this.emulator.control.requests()).length === 0 ? true : undefined;
      },
      DRAIN_TIMEOUT_MS,
      0,
    );
    const drainMs = Date.now() - started;
    const finalExit = await this.stopGateway('SIGTERM');
    const report = checkDeliveryInvariant(
      this.load.webhooks,
      readInbox(this.dataDir),
      await readEmulator(this.emulator.control),
    );
    return { load, report, drainMs, finalExit };
  }

  async dispose(): Promise<void> {
    await this.load?.stop();
    if (this.gateway) await this.stopGateway('SIGKILL');
    await this.emulator.stop();
  }
}

/** One line for the test log: what the load saw and what the check found. */
export function describeResult(name: string, result: ScenarioResult): string {
  const { load, report } = result;
  return (
    `${name}: sent ${load.sent}, acknowledged ${load.acked}, not acknowledged ${load.unacked} ` +
    `(${report.unackedButDelivered} of them delivered anyway, ${report.unackedAbsent} absent); ` +
    `incidents ${report.incidents}; outcomes ${JSON.stringify(load.outcomes)}; ` +
    `drained in ${result.drainMs} ms; final SIGTERM exit ${result.finalExit.code ?? result.finalExit.signal} ` +
    `after ${result.finalExit.ms} ms`
  );
}

/**
 * Sends `signal` and waits for the process to end (SIGKILL: at once; SIGTERM: a clean drain). A
 * gateway that does not end on its own is killed, so the suite stays bounded; the exit then
 * shows signal SIGKILL, which the scenarios' expectations report.
 */
export async function signalAndWait(
  gateway: GatewayProcess,
  signal: NodeJS.Signals,
): Promise<GatewayExit> {
  const started = Date.now();
  const ended = new Promise<GatewayExit>((resolve) => {
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) {
      resolve({ code: gateway.child.exitCode, signal: gateway.child.signalCode, ms: 0 });
    }
    gateway.child.once('exit', (code, exitSignal) =>
      resolve({ code, signal: exitSignal, ms: Date.now() - started }),
    );
  });
  gateway.child.kill(signal);
  const overdue = setTimeout(() => gateway.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const exit = await ended;
  clearTimeout(overdue);
  return exit;
}
