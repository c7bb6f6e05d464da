import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_REPLAY_IDS, MessageFilterFields } from './message-filter.fields';

/**
 * `POST /admin/messages/replay`: `{ "ids": [...] }` (message ids as the log shows them), or the
 * log's filters (`{ "vendor": "twilio", "since": "..." }`; `{}` is every dead message). Only dead
 * messages are requeued: a delivered one replayed would open a second incident.
 */
export class MessageReplayBody extends MessageFilterFields {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REPLAY_IDS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  ids?: number[];
}
