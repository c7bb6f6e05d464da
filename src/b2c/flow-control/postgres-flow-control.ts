import { Logger } from '@nestjs/common';
import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import { systemClock, type FlowClock } from './flow-clock';
import { gcraSendAt, gcraTiming, type GcraTiming } from './gcra';
import { PausableFlowControl } from './pausable-flow-control';

/** Every process LISTENs here; the payload is the pause's end (epoch ms), a hint only. */
export const B2C_PAUSE_CHANNEL = 'gateway_b2c_pause';

const ROW = 'b2c';

/**
 * One GCRA step (gcra.ts) on the shared schedule, atomic under the row lock, so concurrent
 * callers in any process get distinct turns. An upsert: the row is recreated if it was lost
 * (the table is UNLOGGED, see postgres-migrations.ts). Also returns the shared pause, so a
 * process that missed a notification still learns of it on its next call.
 */
const RESERVE = `
INSERT INTO b2c_flow_control AS f (name, next_slot_at) VALUES ($1, $2::double precision + $3)
ON CONFLICT (name) DO UPDATE SET next_slot_at = GREATEST(f.next_slot_at, $2) + $3
RETURNING next_slot_at, paused_until`;

const PAUSE = `
INSERT INTO b2c_flow_control AS f (name, paused_until) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET paused_until = GREATEST(f.paused_until, EXCLUDED.paused_until)`;

const READ = 'SELECT paused_until FROM b2c_flow_control WHERE name = $1';

interface FlowRow {
  next_slot_at: number;
  /** BIGINT: pg returns it as a string. */
  paused_until: string;
}

/**
 * `storage.driver: postgres`: the rate's schedule and B2C's pause live in the `b2c_flow_control`
 * row, so that every process on the database shares one limit and one pause.
 *
 * Times are each process's own clock (epoch ms) compared with times other processes wrote: the
 * processes must run on one host or on NTP-synchronised hosts. A skew of a few ms only shifts
 * turns by that much; a large one would let a fast clock's process go early.
 */
export class PostgresB2cFlowControl extends PausableFlowControl {
  private readonly logger = new Logger('B2cFlowControl');
  private readonly timing: GcraTiming | undefined;
  private unlisten: (() => void) | undefined;

  private constructor(
    private readonly database: PostgresDatabase,
    ratePerSecond: number,
    clock: FlowClock,
    burst?: number,
  ) {
    super(clock);
    this.timing = ratePerSecond > 0 ? gcraTiming(ratePerSecond, burst) : undefined;
  }

  /** Listens for pauses, then reads the current one: no pause falls between the two. */
  static async open(
    database: PostgresDatabase,
    ratePerSecond: number,
    clock: FlowClock = systemClock,
    burst?: number,
  ): Promise<PostgresB2cFlowControl> {
    const flow = new PostgresB2cFlowControl(database, ratePerSecond, clock, burst);
    flow.unlisten = database.listen(B2C_PAUSE_CHANNEL, (payload) => flow.onNotification(payload));
    try {
      await flow.refresh();
    } catch (error) {
      await flow.close();
      throw error;
    }
    return flow;
  }

  protected async reserve(): Promise<number> {
    const now = this.clock.now();
    // No limit: no round trip per request.
    if (!this.timing) return now;
    const { rows } = await this.database.query<FlowRow>(RESERVE, [
      ROW,
      now,
      this.timing.intervalMs,
    ]);
    this.notePause(Number(rows[0].paused_until));
    return gcraSendAt(this.timing, now, rows[0].next_slot_at);
  }

  protected async sharePause(untilMs: number): Promise<void> {
    await this.database.query(PAUSE, [ROW, untilMs]);
    await this.database.notify(B2C_PAUSE_CHANNEL, String(untilMs));
  }

  protected async release(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /**
   * The payload is not trusted as the pause: channels are per database, not per schema, so
   * another deployment on the same database would be heard too. A pause already known needs no
   * read; anything else (including '' after the listening connection was made again) does.
   */
  private onNotification(payload: string): void {
    const announced = Number(payload);
    if (payload !== '' && Number.isFinite(announced) && announced <= this.pausedUntil()) return;
    this.refresh().catch((error: unknown) =>
      this.logger.warn(`cannot read the B2C pause: ${(error as Error).message}`),
    );
  }

  private async refresh(): Promise<void> {
    const { rows } = await this.database.query<Pick<FlowRow, 'paused_until'>>(READ, [ROW]);
    if (rows[0]) this.notePause(Number(rows[0].paused_until));
  }
}
