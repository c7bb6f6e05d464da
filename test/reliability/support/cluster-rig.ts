import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '../../../src/emulators/b2c-service/emulator-control';
import { APPLICATION_CONTEXT_HEADER } from '../../../src/emulators/b2c-service/emulator-headers';
import { SINCH_TEST_SECRET } from '../../../src/vendors/sinch/fixtures/signed-sinch-request';
import { TWILIO_TEST_AUTH_TOKEN } from '../../../src/vendors/twilio/fixtures';
import { freePort } from '../../support/free-port';
import { gatewayEnv } from '../../support/gateway-env';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process';
import { freshSchema, type TestSchema } from '../../support/postgres';
import { waitFor } from '../../support/wait-for';
import { checkDeliveryInvariant, type InvariantReport } from './delivery-invariant';
import { readEmulator, type EmulatorSnapshot } from './emulator-snapshot';
import { type GatewayExit, signalAndWait } from './reliability-rig';
import { countPending, readPostgresInbox } from './postgres-inbox-snapshot';
import { RestartableEmulator } from './restartable-emulator';
import { WebhookLoad, type LoadOptions, type SentWebhook } from './webhook-load';

export interface ClusterOptions {
  /** Gateway processes, all on one database and one emulator. */
  nodes: number;
  /** Extra environment of every process (worker, rate limit, log level, ...). */
  env?: Record<string, string>;
}

/** One gateway process of the cluster: its own port and data directory, the shared database. */
export interface ClusterNode {
  /** 'a', 'b', 'c', ... */
  name: string;
  url: string;
  /** Its OSvC-CREST-Application-Context, which tells its requests apart at the emulator. */
  context: string;
  dataDir: string;
  gateway: GatewayProcess | undefined;
  /** Of the running (or last) process: the delivery worker's lease owner ends with `-<pid>`. */
  pid: number;
  env: Record<string, string>;
}

export interface DrainResult {
  ms: number;
}

/** Longer than a lease, a settle delay and a paused B2C together. */
const DRAIN_TIMEOUT_MS = 60_000;

/**
 * Several gateway processes on one PostgreSQL schema (`STORAGE_DRIVER=postgres`) and one B2C
 * emulator, with every Twilio webhook the tests send kept for the delivery invariant. Twilio
 * (the loads) and Sinch (whose nonces the store claims) are enabled on every process.
 */
export class ClusterRig {
  readonly emulator = new RestartableEmulator();
  readonly nodes: ClusterNode[] = [];
  schema!: TestSchema;
  private readonly loads: WebhookLoad[] = [];
  /** Output of processes that have ended, for failure messages. */
  private pastOutput = '';

  private constructor(private readonly options: ClusterOptions) {}

  static async start(options: ClusterOptions): Promise<ClusterRig> {
    const rig = new ClusterRig(options);
    try {
      rig.schema = await freshSchema();
      await rig.emulator.start();
      for (let index = 0; index < options.nodes; index += 1) rig.nodes.push(await rig.node(index));
      // Together: they migrate the fresh schema concurrently, as a rollout would.
      await Promise.all(rig.nodes.map((node) => rig.startNode(node)));
    } catch (error) {
      await rig.dispose();
      throw error;
    }
    return rig;
  }

  get urls(): string[] {
    return this.nodes.map((node) => node.url);
  }

  get databaseUrl(): string {
    return this.schema.url;
  }

  /** A load spread over every process (round robin, retries to the next one), kept for checks. */
  newLoad(options: Partial<Omit<LoadOptions, 'gatewayUrl' | 'gatewayUrls'>> = {}): WebhookLoad {
    const load = new WebhookLoad({
      gatewayUrl: this.urls[0],
      gatewayUrls: this.urls,
      senders: 6,
      pauseMs: 50,
      maxSends: 8,
      retryDelayMs: 150,
      ...options,
    });
    this.loads.push(load);
    return load;
  }

  /** Every Twilio webhook sent through this rig's loads. */
  webhooks(): Map<string, SentWebhook> {
    return new Map(this.loads.flatMap((load) => [...load.webhooks]));
  }

  async startNode(node: ClusterNode): Promise<void> {
    node.gateway = await startGatewayProcess(node.env, Number(new URL(node.url).port));
    node.pid = node.gateway.child.pid ?? 0;
  }

  /** Sends `signal` and waits for the process to end. */
  async stopNode(node: ClusterNode, signal: NodeJS.Signals): Promise<GatewayExit> {
    const gateway = node.gateway;
    if (!gateway) throw new Error(`gateway ${node.name} is not running`);
    const exit = await signalAndWait(gateway, signal);
    this.pastOutput += `--- gateway ${node.name} (pid ${node.pid}) ---\n${gateway.output()}`;
    node.gateway = undefined;
    return exit;
  }

  /** Which process sent a request the emulator recorded (undefined: none of the cluster's). */
  nodeOf(request: RecordedRequest): ClusterNode | undefined {
    const context = request.headers[APPLICATION_CONTEXT_HEADER];
    return this.nodes.find((node) => node.context === context);
  }

  /** Requests per process name, e.g. { a: 40, b: 38, c: 41 }. */
  countByNode(requests: readonly RecordedRequest[]): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(this.nodes.map((n) => [n.name, 0]));
    for (const request of requests) {
      const node = this.nodeOf(request);
      if (node) counts[node.name] += 1;
    }
    return counts;
  }

  /**
   * Waits, once the loads are stopped, until nothing is left to deliver: no message of any vendor
   * is pending in the shared inbox and no request is still being processed by the emulator (a
   * latency fault may hold one that a killed process sent). Both are states to wait for, not a
   * quiet period: a message leaves `pending` only when delivered or dead-lettered.
   */
  async drain(): Promise<DrainResult> {
    const started = Date.now();
    await waitFor(
      'the shared inbox to hold no pending message',
      async () => ((await countPending(this.databaseUrl)) === 0 ? true : undefined),
      DRAIN_TIMEOUT_MS,
      100,
    );
    await waitFor(
      'the emulator to finish every request under way',
      async () => {
        const requests = await this.emulator.control.requests();
        return requests.every((request) => request.status !== null) ? true : undefined;
      },
      DRAIN_TIMEOUT_MS,
      100,
    );
    return { ms: Date.now() - started };
  }

  /**
   * The delivery invariant (delivery-invariant.ts) over the shared inbox and B2C. With `only`,
   * scoped to those webhooks (a scenario's own); without, over every Twilio webhook of the rig,
   * which also checks that B2C and the inbox hold nothing nobody sent.
   */
  async check(
    only?: ReadonlyMap<string, SentWebhook>,
  ): Promise<{ report: InvariantReport; emulator: EmulatorSnapshot }> {
    const webhooks = only ?? this.webhooks();
    const inbox = await readPostgresInbox(this.databaseUrl);
    const emulator = await readEmulator(this.emulator.control);
    const scoped: EmulatorSnapshot = only
      ? { ...emulator, incidentsBySid: keep(emulator.incidentsBySid, webhooks) }
      : emulator;
    const report = checkDeliveryInvariant(webhooks, only ? keep(inbox, webhooks) : inbox, scoped);
    return { report, emulator };
  }

  /** Everything the processes wrote, for failure messages. */
  output(): string {
    return (
      this.pastOutput +
      this.nodes
        .filter((node) => node.gateway)
        .map((node) => `--- gateway ${node.name} (pid ${node.pid}) ---\n${node.gateway!.output()}`)
        .join('')
    );
  }

  async dispose(): Promise<void> {
    await Promise.all(this.loads.map((load) => load.stop()));
    await Promise.all(
      this.nodes.filter((node) => node.gateway).map((node) => this.stopNode(node, 'SIGKILL')),
    );
    await this.emulator.stop();
    await this.schema?.drop();
    for (const node of this.nodes) rmSync(node.dataDir, { recursive: true, force: true });
  }

  private async node(index: number): Promise<ClusterNode> {
    const name = String.fromCharCode('a'.charCodeAt(0) + index);
    const dataDir = mkdtempSync(join(tmpdir(), `cluster-gateway-${name}-`));
    const context = `multi-process-${name}`;
    const env = gatewayEnv({
      emulatorUrl: this.emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      dataDir,
      extra: {
        STORAGE_DRIVER: 'postgres',
        DATABASE_URL: this.schema.url,
        B2C_APPLICATION_CONTEXT: context,
        VENDOR_SINCH__WEBHOOK_SECRET: SINCH_TEST_SECRET,
        // After a create whose answer was lost, the next attempt (in any process) waits this long
        // before it looks for the incident: the emulator finishes a create well within it.
        B2C_SETTLE_DELAY_MS: '1000',
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
    });
    return {
      name,
      url: `http://127.0.0.1:${await freePort()}`,
      context,
      dataDir,
      gateway: undefined,
      pid: 0,
      env,
    };
  }
}

function keep<V>(map: ReadonlyMap<string, V>, keys: ReadonlyMap<string, unknown>): Map<string, V> {
  return new Map([...map].filter(([key]) => keys.has(key)));
}
