import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { VENDOR_NAME, VENDOR_NAME_MAX_LENGTH } from '../messages/vendor-name';

/** Largest page an admin can ask for: a dead letter keeps its whole vendor payload. */
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

/** `GET /admin/dead-letters?limit=&after=`: one page, after the last id of the previous one. */
export class DeadLetterPageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;
}

/** `POST /admin/dead-letters/replay?vendor=`: every dead letter, or one vendor's. */
export class ReplayAllQuery {
  @IsOptional()
  @MaxLength(VENDOR_NAME_MAX_LENGTH)
  @Matches(VENDOR_NAME, { message: 'vendor must be a vendor name like twilio' })
  vendor?: string;
}
