import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import {
  DELIVERY_CONTROL_STORE,
  type DeliveryControlStore,
  type DeliveryPauseState,
  NOT_PAUSED,
} from './delivery-control-store.port';

/** Longest time another process's pause or resume goes unseen here if a notification is lost. */
export const PAUSE_REFRESH_MS = 1_000;

/**
 * The admin's delivery pause as this process knows it. A pause or resume taken here is known at
 * once; one taken by another process on the shared store is heard by notification (PostgreSQL)
 * and otherwise read again every PAUSE_REFRESH_MS. The state is read before the application
 * bootstraps, so after a restart the worker starts nothing while a pause holds.
 */
@Injectable()
export class DeliveryControl implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('DeliveryControl');
  private state: DeliveryPauseState = NOT_PAUSED;
  private readonly listeners = new Set<(state: DeliveryPauseState) => void>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private refreshFailing = false;

  constructor(
    @Inject(DELIVERY_CONTROL_STORE) private readonly store: DeliveryControlStore,
    // Optional: a process built without MetricsModule still pauses, without the gauge.
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.apply(await this.store.read());
    this.unsubscribe = this.store.onChange(() => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), PAUSE_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.store.close();
  }

  /** The state in force, as last read. */
  current(): DeliveryPauseState {
    return this.state;
  }

  get paused(): boolean {
    return this.state.paused;
  }

  /** Pauses every process's delivery; a pause already in force stays as it was. */
  async pause(by: string, reason?: string): Promise<DeliveryPauseState> {
    const state = await this.store.pause(by, Date.now(), reason);
    this.apply(state);
    if (state.changedBy === by) this.logger.warn(`delivery paused by ${by}`);
    return state;
  }

  async resume(by: string): Promise<DeliveryPauseState> {
    const wasPaused = this.state.paused;
    const state = await this.store.resume(by, Date.now());
    this.apply(state);
    if (wasPaused) this.logger.log(`delivery resumed by ${by}`);
    return state;
  }

  /** Called with the new state after every change seen here. Returns a remover. */
  onChange(listener: (state: DeliveryPauseState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the store again; a failure keeps the last state known (said once per outage). */
  async refresh(): Promise<void> {
    try {
      this.apply(await this.store.read());
      if (this.refreshFailing) this.logger.log('the delivery pause can be read again');
      this.refreshFailing = false;
    } catch (error) {
      if (!this.refreshFailing) {
        this.logger.warn(
          `cannot read the delivery pause; keeping the last known state: ${(error as Error).message}`,
        );
      }
      this.refreshFailing = true;
    }
  }

  private apply(state: DeliveryPauseState): void {
    const before = this.state;
    this.state = state;
    this.metrics?.deliveryPaused(state.paused);
    if (before.paused === state.paused && before.changedAt === state.changedAt) return;
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch (error) {
        this.logger.warn(`a delivery pause listener failed: ${(error as Error).message}`);
      }
    }
  }
}
