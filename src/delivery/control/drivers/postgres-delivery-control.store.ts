import type { PostgresDatabase } from '../../../storage/postgres/postgres-database';
import {
  type DeliveryControlRow,
  type DeliveryControlStore,
  type DeliveryPauseState,
  READ_PAUSE,
  SET_PAUSE,
  SET_RESUME,
  toPauseState,
} from '../delivery-control-store.port';

export const DELIVERY_CONTROL_CHANNEL = 'gateway_delivery_control';

/**
 * `storage.driver: postgres`: one row every process reads. A change is announced with NOTIFY in
 * the same statement, so every process listening hears of it when it commits.
 */
export class PostgresDeliveryControlStore implements DeliveryControlStore {
  constructor(private readonly database: PostgresDatabase) {}

  async read(): Promise<DeliveryPauseState> {
    const { rows } = await this.database.query<DeliveryControlRow>(READ_PAUSE);
    return toPauseState(rows[0]);
  }

  async pause(by: string, at: number, reason?: string): Promise<DeliveryPauseState> {
    await this.change(SET_PAUSE, [by, at, reason ?? null]);
    return this.read();
  }

  async resume(by: string, at: number): Promise<DeliveryPauseState> {
    await this.change(SET_RESUME, [by, at]);
    return this.read();
  }

  onChange(listener: () => void): () => void {
    return this.database.listen(DELIVERY_CONTROL_CHANNEL, () => listener());
  }

  /** The owner of the pool (StorageModule) closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private async change(statement: string, values: unknown[]): Promise<void> {
    const n = values.length;
    await this.database.query(
      `WITH changed AS (${statement} RETURNING id)
       SELECT pg_notify($${n + 1}, '') FROM changed`,
      [...values, DELIVERY_CONTROL_CHANNEL],
    );
  }
}
