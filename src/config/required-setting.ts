import { isURL, ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * A setting required only in some mode (the class is validated only then): one message when it
 * is missing ("is required when …") instead of class-validator's list of every failed check.
 */
function requiredSetting(
  name: string,
  requiredWhen: string,
  valid: (value: string) => boolean,
  invalid: string,
): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => typeof value === 'string' && valid(value),
      defaultMessage: (args?: ValidationArguments) =>
        args?.value === undefined || args.value === null
          ? `is required when ${requiredWhen}`
          : invalid,
    },
  });
}

/** A non-empty string (a name, an issuer, a secret reference). */
export function RequiredText(requiredWhen: string): PropertyDecorator {
  return requiredSetting(
    'requiredText',
    requiredWhen,
    (v) => v.length > 0,
    'must be a non-empty string',
  );
}

/** An http(s) URL; hosts without a TLD (loopback) are allowed, as elsewhere in the config. */
export function RequiredUrl(requiredWhen: string): PropertyDecorator {
  return requiredSetting(
    'requiredUrl',
    requiredWhen,
    (v) => isURL(v, { protocols: ['http', 'https'], require_tld: false, require_protocol: true }),
    'must be an http or https URL',
  );
}
