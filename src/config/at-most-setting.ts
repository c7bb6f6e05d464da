import { ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * A number that must not exceed a sibling setting (`sibling` is the property on the same
 * object, `siblingLabel` how the message names it). Only checked once both are numbers: a
 * non-number is already refused by the property's own checks, with its own message.
 */
export function AtMostSetting(sibling: string, siblingLabel: string): PropertyDecorator {
  const limitOf = (args: ValidationArguments): unknown =>
    (args.object as Record<string, unknown>)[sibling];
  return ValidateBy({
    name: 'atMostSetting',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const limit = args === undefined ? undefined : limitOf(args);
        return typeof value !== 'number' || typeof limit !== 'number' || value <= limit;
      },
      defaultMessage: (args?: ValidationArguments) =>
        `must be at most ${siblingLabel}, which is ${String(args === undefined ? '?' : limitOf(args))}`,
    },
  });
}
