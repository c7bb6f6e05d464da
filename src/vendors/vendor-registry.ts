import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ConfigError } from '../common/problem/config-error';
import { GatewayConfig, parseBoolean } from '../config/gateway-config';
import { predicateOf } from '../config/load-config';
import { OUTBOUND_HTTP, type OutboundHttp } from '../allowlist/outbound/outbound-http.port';
import { SecretsService } from '../secrets/secrets.service';
import { RegisterVendor } from './vendor.decorator';
import { InboundAllowService } from '../allowlist/inbound/inbound-allow.service';
import type { SecretHandle } from '../secrets/secret-handle';
import { EnabledVendor } from './enabled-vendor';
import { isVendorName, VENDOR_NAME_RULE } from '../messages/vendor-name';
import type { WebhookVendor } from './webhook-vendor';

export { EnabledVendor } from './enabled-vendor';

/** Gateway-level vendor setting, enforced by the inbound allow rules before verification. */
const ALLOWED_SOURCES = 'allowedSources';

// Re-exported for the admin filters that import the rule from here; it is defined once in vendor-name.ts.
export { VENDOR_NAME } from '../messages/vendor-name';

/**
 * Finds every vendor module's vendor and checks `vendors.<name>` against its settings class at
 * start-up, so a missing secret or a misspelled vendor stops the process with a message that
 * names the key, instead of surfacing as 401s later.
 */
@Injectable()
export class VendorRegistry implements OnModuleInit {
  private readonly logger = new Logger('Vendors');
  private readonly known = new Map<string, WebhookVendor>();
  private readonly enabled = new Map<string, EnabledVendor>();
  private readonly sourceLists: Record<string, string[]> = {};

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: GatewayConfig,
    private readonly secrets: SecretsService,
    private readonly inboundAllow: InboundAllowService,
    @Inject(OUTBOUND_HTTP) private readonly http: OutboundHttp,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const wrapper of this.discovery.getProviders({ metadataKey: RegisterVendor.KEY })) {
      const vendor = wrapper.instance as WebhookVendor;
      if (!isVendorName(vendor.name)) {
        throw new ConfigError([`vendor ${vendor.name}: names are ${VENDOR_NAME_RULE}`]);
      }
      this.known.set(vendor.name, vendor);
    }
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(this.config.vendors)) {
      const vendor = this.known.get(name);
      if (!vendor) {
        problems.push(
          `vendors.${name}: no such vendor (known: ${[...this.known.keys()].join(', ')})`,
        );
        continue;
      }
      const result = await this.configure(vendor, raw ?? {});
      if (typeof result === 'string') problems.push(...result.split('\n'));
      else if (result) this.enabled.set(name, result);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    try {
      this.inboundAllow.setVendorSourceLists(this.sourceLists);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError([error instanceof Error ? error.message : String(error)]);
    }
    this.logger.log(
      `vendors enabled: ${[...this.enabled.keys()].join(', ') || '(none)'}; available: ${[...this.known.keys()].join(', ')}`,
    );
  }

  get(name: string): EnabledVendor | undefined {
    return this.enabled.get(name);
  }

  enabledNames(): string[] {
    return [...this.enabled.keys()];
  }

  /** The enabled vendor, false when disabled, or the problems as lines. */
  private async configure(
    vendor: WebhookVendor,
    raw: Record<string, unknown>,
  ): Promise<EnabledVendor | false | string> {
    const { enabled = true, [ALLOWED_SOURCES]: allowedSources, ...rest } = raw;
    const on = parseBoolean(enabled);
    if (typeof on !== 'boolean') return `vendors.${vendor.name}.enabled: must be true or false`;
    if (!on) return false;
    const values: Record<string, unknown> = { ...rest };
    const problems: string[] = [];
    const sources = sourceList(allowedSources);
    if (sources === 'invalid') {
      problems.push(
        `vendors.${vendor.name}.${ALLOWED_SOURCES}: must be a list of CIDR blocks, VCN OCIDs or source group names`,
      );
    } else if (sources) {
      this.sourceLists[vendor.name] = sources;
    }
    const handles = new Map<string, SecretHandle>();
    // Typed per vendor; here every vendor is seen through WebhookVendor<object>.
    for (const key of vendor.secretSettings as readonly string[]) {
      const reference = values[key];
      if (typeof reference !== 'string') continue; // missing: validation below names it
      try {
        const handle = await this.secrets.watch(`vendors.${vendor.name}.${key}`, reference);
        handles.set(key, handle);
        values[key] = handle.current();
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    const settings = plainToInstance(vendor.settingsClass, values, { exposeDefaultValues: true });
    const errors = await validate(settings, { whitelist: true, forbidNonWhitelisted: true });
    for (const error of errors) {
      for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
        problems.push(
          `vendors.${vendor.name}.${error.property}: ${predicateOf(constraint, message, error.property)}`,
        );
      }
    }
    if (problems.length > 0) return problems.join('\n');
    return new EnabledVendor(vendor, settings, handles, {
      http: this.http,
      sourceListed: sources !== undefined && sources !== 'invalid',
    });
  }
}

/** `allowedSources` from YAML (a list) or the environment (comma- or space-separated). */
function sourceList(value: unknown): string[] | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((entry) => entry !== '');
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value;
  return 'invalid';
}
