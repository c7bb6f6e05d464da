import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../admin/admin.guard';
import { InboundAllowService } from '../allowlist/inbound/inbound-allow.service';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { GatewayConfig } from '../config/gateway-config';
import { ADMIN_SECURITY } from '../openapi/openapi-document';
import { ADMIN_PROBLEMS, ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { VendorRegistry } from '../vendors/vendor-registry';
import { EffectiveConfigSchema } from './admin-config.openapi';
import { effectiveConfig, type VendorInForce } from './effective-config';

/**
 * `GET /admin/config`: the configuration in force, secrets shown only as their kind of
 * reference, with the allow rules as the allowlist services hold them now.
 */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_SECURITY)
@Controller('admin/config')
@UseGuards(AdminGuard)
export class AdminConfigController {
  constructor(
    private readonly config: GatewayConfig,
    private readonly inbound: InboundAllowService,
    private readonly outbound: OutboundGuard,
    private readonly vendors: VendorRegistry,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The effective configuration; secrets only as `{ "secret": "env:" }` and the like',
    description:
      'Secret settings show their kind of reference (`env:`, `file:`, `oci-vault:`, or `value` ' +
      'when the secret is written inline), never a value. `allowlist` is what is in force now ' +
      '(after any SIGHUP reload); `vendors` the configured ones (settings of enabled ones only).',
  })
  @ApiOkResponse({ type: EffectiveConfigSchema })
  @ApiProblemResponses(...ADMIN_PROBLEMS)
  show(): Record<string, unknown> {
    const { settings, vendorSources } = this.inbound.inForce();
    const policy = this.outbound.policy();
    const vendors = new Map<string, VendorInForce | false>();
    for (const [name, configured] of Object.entries(this.config.vendors)) {
      const enabled = this.vendors.get(name);
      vendors.set(
        name,
        enabled ? { settings: configured, secretSettings: enabled.vendor.secretSettings } : false,
      );
    }
    return effectiveConfig(
      this.config,
      {
        inbound: settings,
        vendorSources: Object.fromEntries(vendorSources),
        outbound: {
          targets: policy.targets.map((target) => target.entry),
          allowHttpForDevelopment: policy.allowHttpForDevelopment,
          hostAddresses: Object.fromEntries(policy.hostAddresses),
          caBundle: policy.ca !== undefined,
        },
      },
      vendors,
    );
  }
}
