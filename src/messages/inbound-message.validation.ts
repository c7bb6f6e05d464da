import {
  type ValidationError,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  MinLength,
  validateSync,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { UnprocessablePayloadError } from '../common/problem/gateway-error';
import { type InboundMessage, MESSAGE_KINDS } from './inbound-message';
import { E164 } from './phone-number';

/**
 * E.164 unless the message is a status callback. A conditional check of its own, because
 * @ValidateIf would switch off every other rule on the property too.
 */
function IsE164UnlessStatus() {
  return ValidateBy({
    name: 'isE164UnlessStatus',
    validator: {
      validate: (value: unknown, args) =>
        (args?.object as { kind?: unknown } | undefined)?.kind === 'status' ||
        (typeof value === 'string' && E164.test(value)),
      defaultMessage: () => 'from must be an E.164 phone number',
    },
  });
}

class MediaRefRules {
  @IsUrl({ protocols: ['http', 'https'], require_tld: false }) url!: string;
  @IsOptional() @IsString() @MaxLength(255) contentType?: string;
}

/** What every adapter's output must satisfy before it is stored. */
class InboundMessageRules {
  @IsString() @MinLength(1) @MaxLength(64) vendor!: string;
  @IsString() @MinLength(1) @MaxLength(200) messageId!: string;
  @IsIn(MESSAGE_KINDS) kind!: string;
  /** E.164 wherever it can reach a B2C query; a status callback's sender may be a sender id. */
  @IsString() @MaxLength(64) @IsE164UnlessStatus() from!: string;
  @IsString() @MaxLength(64) to!: string;
  @IsString() @MaxLength(65_536) text!: string;
  @IsArray() @ValidateNested({ each: true }) media!: MediaRefRules[];
  @IsISO8601({ strict: true }) receivedAt!: string;
}

/**
 * Checks an adapter's messages. A vendor payload that parses but yields an unusable message is
 * refused with 422 naming the message and field, before anything is stored.
 */
export function assertValidMessages(vendor: string, messages: readonly InboundMessage[]): void {
  messages.forEach((message, index) => {
    if (message.vendor !== vendor) {
      throw new UnprocessablePayloadError(`message ${index}: vendor must be ${vendor}`, { index });
    }
    if (plainlyValid(message)) return;
    const violation = violationOf(message);
    if (violation) {
      const { field, reason } = violation;
      throw new UnprocessablePayloadError(`message ${index}: ${field} ${reason}`, { index, field });
    }
  });
}

/** The first rule the message breaks, as class-validator reports it; undefined when none. */
export function violationOf(
  message: InboundMessage,
): { field: string; reason: string } | undefined {
  const [first] = validateSync(asRules(message));
  return first ? firstViolation(first) : undefined;
}

const KINDS: ReadonlySet<string> = new Set(MESSAGE_KINDS);
/** Printable ASCII: its length is its character count, whatever class-validator counts. */
const PLAIN_NAME = /^[\x21-\x7e]{1,64}$/;
const PLAIN_ID = /^[\x21-\x7e]{1,200}$/;
/**
 * What `Date.prototype.toISOString` writes for this millennium. Not earlier years: validator's
 * strict check reads years below 100 as 19xx and refuses them (the property test found it).
 */
const ISO_INSTANT = /^2\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function stringUpTo(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max;
}

/**
 * The common message (no media, ASCII id, timestamp from `toISOString`) recognised without
 * class-validator's executor, which walks its metadata per property and cost more per webhook
 * than the signature check. Never looser than the rules above (a property test holds it to
 * that): when it says no, class-validator decides and names the field. Lengths are counted in
 * UTF-16 units, never fewer than the characters class-validator counts.
 */
function plainlyValid(message: InboundMessage): boolean {
  return (
    typeof message.vendor === 'string' &&
    PLAIN_NAME.test(message.vendor) &&
    typeof message.messageId === 'string' &&
    PLAIN_ID.test(message.messageId) &&
    KINDS.has(message.kind) &&
    stringUpTo(message.from, 64) &&
    (message.kind === 'status' || E164.test(message.from)) &&
    stringUpTo(message.to, 64) &&
    stringUpTo(message.text, 65_536) &&
    Array.isArray(message.media) &&
    message.media.length === 0 &&
    isIsoInstant(message.receivedAt)
  );
}

/** Exactly what `toISOString` writes for a real instant (so no 30 February). */
function isIsoInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}

/**
 * The message as an instance of the rules class, built by hand: class-transformer's generic
 * conversion cost more than the validation itself on the intake path.
 */
function asRules(message: InboundMessage): InboundMessageRules {
  const rules = Object.assign(new InboundMessageRules(), message);
  rules.media = Array.isArray(message.media)
    ? message.media.map((item) => Object.assign(new MediaRefRules(), item))
    : message.media;
  return rules;
}

function firstViolation(error: ValidationError, parent = ''): { field: string; reason: string } {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const [child] = error.children ?? [];
  if (child) return firstViolation(child, field);
  const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  return {
    field,
    reason: message.startsWith(`${error.property} `)
      ? message.slice(error.property.length + 1)
      : message,
  };
}
