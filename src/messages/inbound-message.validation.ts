import 'reflect-metadata';
import { Expose, plainToInstance, Type } from 'class-transformer';
import {
  type ValidationError,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
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

/*
 * Every checked field is @Expose()d and the conversion below excludes the rest, so the vendor's
 * `raw` payload is neither copied nor validated.
 */
class MediaRefRules {
  @Expose() @IsUrl({ protocols: ['http', 'https'], require_tld: false }) url!: string;
  @Expose() @IsOptional() @IsString() @MaxLength(255) contentType?: string;
}

/** What every adapter's output must satisfy before it is stored. */
class InboundMessageRules {
  @Expose() @IsString() @MinLength(1) @MaxLength(64) vendor!: string;
  @Expose() @IsString() @MinLength(1) @MaxLength(200) messageId!: string;
  @Expose() @IsIn(MESSAGE_KINDS) kind!: string;
  /** E.164 wherever it can reach a B2C query; a status callback's sender may be a sender id. */
  @Expose() @IsString() @MaxLength(64) @IsE164UnlessStatus() from!: string;
  @Expose() @IsString() @MaxLength(64) to!: string;
  @Expose() @IsString() @MaxLength(65_536) text!: string;
  /**
   * @IsObject: class-transformer converts a nested array item too, which @ValidateNested would
   * then accept; a media item is one object. Listed above @IsArray so that, decorators being
   * applied bottom-up, a non-array is reported as such first.
   */
  @Expose()
  @IsObject({ each: true })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MediaRefRules)
  media!: MediaRefRules[];
  @Expose() @IsISO8601({ strict: true }) receivedAt!: string;
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
    const violation = violationOf(message);
    if (violation) {
      const { field, reason } = violation;
      throw new UnprocessablePayloadError(`message ${index}: ${field} ${reason}`, { index, field });
    }
  });
}

/** The first rule the message breaks, as class-validator reports it; undefined when none. */
function violationOf(message: InboundMessage): { field: string; reason: string } | undefined {
  const rules = plainToInstance(InboundMessageRules, message, { excludeExtraneousValues: true });
  const [first] = validateSync(rules);
  return first ? firstViolation(first) : undefined;
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
