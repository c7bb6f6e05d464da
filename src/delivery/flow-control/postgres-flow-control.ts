import { Logger } from '@nestjs/common';
import type { PostgresDatabase } from '../../storage/postgres/postgres-database';
import { systemClock, type FlowClock } from './flow-clock';
import { gcraSendAt, gcraTiming, type GcraTiming } from './gcra';
import { PausableFlowControl } from './pausable-flow-control';
import { ServerClockOffset } from './server-clock-offset';

/** Every process LISTENs here; the payload is the pause's end (epoch ms), a hint only. */
export const B2C_PAUSE_CHANNEL = 'gateway_b2c_pause';

const ROW = 'b2c';

/**
 * One GCRA step (gcra.ts) on the shared schedule, atomic under the row lock, so concurrent
 * callers in any process get distinct turns. The schedule runs on the database server's clock,
 * read when the statement runs: a time read by the caller before a slow round trip (a busy pool,
 * a loaded host) would be in the past by then and hand out turns that all go at once. The caller
 * maps its turn to its own clock (ServerClockOffset), so the processes' clocks need not agree.
 * An upsert: the row is recreated if it was lost (the table is UNLOGGED, see
 * src/postgres-schema.ts). Also returns the shared pause, so a process that missed a
 * notification still learns of it on its next call.
 */
const RESERVE = `
WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now)
INSERT INTO b2c_flow_control AS f (name, next_slot_at)
SELECT $1, clock.now + $2 FROM clock
ON CONFLICT (name) DO UPDATE SET next_slot_at = GREATEST(f.next_slot_at, (SELECT now FROM clock)) + $2
RETURNING next_slot_at, paused_until, (SELECT now FROM clock) AS server_now`;

const PAUSE = `
INSERT INTO b2c_flow_control AS f (name, paused_until) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET paused_until = GREATEST(f.paused_until, EXCLUDED.paused_until)`;

const READ = 'SELECT paused_until FROM b2c_flow_control WHERE name = $1';

interface FlowRow {
  next_slot_at: number;
  server_now: number;
  /** BIGINT: pg returns it as a string. */
  paused_until: string;
}

/**
 * `storage.driver: postgres`: the rate's schedule and B2C's pause live in the `b2c_flow_control`
 * row, so that every process on the database shares one limit and one pause.
 *
 * The pause's end is each process's own clock (epoch ms) compared with times other processes
 * wrote: the processes must run on one host or on NTP-synchronised hosts. The rate's schedule
 * runs on the database server's clock (RESERVE), so it does not depend on them.
 */
export class PostgresB2cFlowControl extends PausableFlowControl {
  private readonly logger = new Logger('B2cFlowControl');
  private readonly timing: GcraTiming | undefined;
  private unlisten: (() => void) | undefined;
  private readonly serverClock = new ServerClockOffset();

  private constructor(
    private readonly database: PostgresDatabase,
    ratePerSecond: number,
    clock: FlowClock,
    burst?: number,
  ) {
    super(clock, ratePerSecond > 0 ? 1000 / ratePerSecond : Number.POSITIVE_INFINITY);
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
    // No limit: no round trip per request.
    if (!this.timing) return this.clock.now();
    const { rows } = await this.database.query<FlowRow>(RESERVE, [ROW, this.timing.intervalMs]);
    const [row] = rows;
    const arrivedAt = this.clock.now();
    this.notePause(Number(row.paused_until));
    const serverNow = Number(row.server_now);
    this.serverClock.note(arrivedAt, serverNow);
    const sendAt = gcraSendAt(this.timing, serverNow, Number(row.next_slot_at));
    // The turn on this clock as the fastest recent answer maps it, not as this answer's delay
    // would: a slow answer must not move its turn later, next to the turns after it.
    return this.serverClock.toLocal(sendAt) ?? arrivedAt + (sendAt - serverNow);
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
