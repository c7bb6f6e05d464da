import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  MinLength,
  type ValidationArguments,
  ValidateBy,
} from 'class-validator';
import { targetProblems } from './outbound-target';

/** The environment gives one string: entries separated by commas or whitespace. */
function splitList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.split(/[\s,]+/).filter((entry) => entry !== '');
}

function problemsOf(args: ValidationArguments): string[] {
  const settings = args.object as OutboundSettings;
  const targets: unknown = args.value;
  if (!Array.isArray(targets) || !targets.every((entry) => typeof entry === 'string')) return [];
  return targetProblems(targets, settings.allowHttpForDevelopment === true);
}

/**
 * `allowlist.outbound` in the gateway configuration: where the gateway may call out to.
 * Nothing is allowed by default. See `src/allowlist/README.md` for the matching rules.
 */
export class OutboundSettings {
  /**
   * DNS hosts (`mysite.custhelp.com`, `*.example.com`) reached over https on port 443 at any
   * path, or URL prefixes (`https://idcs-x.identity.oraclecloud.com/admin/v1/SigningCert/`)
   * matched on segment boundaries. `http://host:port` entries only with
   * `allowHttpForDevelopment`.
   */
  @Transform(({ value }) => splitList(value))
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @ValidateBy({
    name: 'outboundTargets',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) =>
        args === undefined || problemsOf(args).length === 0,
      defaultMessage: (args?: ValidationArguments) =>
        args === undefined ? 'are invalid' : problemsOf(args).join('; '),
    },
  })
  targets: string[] = [];

  /**
   * PEM file of extra CA certificates (private CAs), trusted in addition to Node's bundled
   * roots, never instead of them.
   */
  @IsOptional() @IsString() @MinLength(1) caBundleFile?: string;

  /**
   * Lets listed `http://host:port` targets through (the local B2C emulator). Logged loudly at
   * start; refused with NODE_ENV=production. (The environment's 'true'/'false' is converted by
   * load-config because the default is a boolean.)
   */
  @IsBoolean()
  allowHttpForDevelopment = false;

  /**
   * Fixed DNS answers, `{ "sns.us-east-1.amazonaws.com": "10.0.3.7" }`, like curl's `--resolve`:
   * for split-horizon networks (a private endpoint reached under its public name) and for tests.
   * The name is still the one checked against the list and the one the certificate must match;
   * only the address it connects to changes. YAML only.
   */
  @IsObject()
  @ValidateBy({
    name: 'hostAddresses',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        Object.entries(value).every(
          ([host, address]) =>
            /^[a-z0-9.-]+$/.test(host) && typeof address === 'string' && isIP(address) !== 0,
        ),
      defaultMessage: () => 'must map lower-case DNS names to IP addresses',
    },
  })
  hostAddresses: Record<string, string> = {};
}
