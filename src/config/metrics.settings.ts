import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/**
 * `metrics`: the separate, unauthenticated metrics listener for a scraper on a private network.
 * `/admin/metrics` (admins only) answers whatever is set here.
 */
export class MetricsSettings {
  /**
   * Port of the listener serving `GET /metrics`; unset (the default): no listener. 0 picks a free
   * port (tests).
   */
  // The default is unset, so the environment's string is not converted by the config loader.
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  port?: number;
  /**
   * Address it listens on. Loopback by default: anyone who reaches the listener reads the
   * metrics, so only a private interface should ever be named here.
   */
  @IsString() @MinLength(1) host = '127.0.0.1';
}
