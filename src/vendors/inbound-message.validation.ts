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
    const [first] = validateSync(asRules(message));
    if (first) {
      const { field, reason } = firstViolation(first);
      throw new UnprocessablePayloadError(`message ${index}: ${field} ${reason}`, { index, field });
    }
  });
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
