import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { scaffoldName } from '../../scripts/scaffold-name';
import { compileVendorSourceList, vendorOfPath } from '../allowlist/inbound/vendor-source-list';
import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig } from '../config/load-config';
import { ReplayAllQuery } from '../dead-letters/dead-letter-queries';
import { vendorTracker } from '../throttle/vendor-tracker';
import { isVendorModuleFile } from '../vendors/discover-vendor-modules';
import { isVendorName, VENDOR_NAME, VENDOR_NAME_MAX_LENGTH, VENDOR_NAME_RULE } from './vendor-name';
import { VENDOR_NAME as REGISTRY_VENDOR_NAME } from '../vendors/vendor-registry';

const ACCEPTED = [
  'twilio',
  'twilio-voice',
  'aws-sns',
  'standard-webhooks',
  'a',
  'b2c',
  'x2-3b',
  'v'.repeat(VENDOR_NAME_MAX_LENGTH),
];

const REFUSED = [
  '',
  'Twilio',
  'twilio_voice',
  'twilio voice',
  'twilio/webhook',
  '-twilio',
  'twilio-',
  'twilio--voice',
  // Accepted by the registry, the allowlist, module discovery and the throttle before; refused by
  // the scaffold: a name that cannot start a TypeScript identifier is no name anywhere now.
  '3cx',
  '1',
  // Accepted by every site but the admin filters (40) and the throttle (64) before.
  'v'.repeat(VENDOR_NAME_MAX_LENGTH + 1),
  'twilio\n',
  'émail',
];

/** Every place that reads or checks a vendor name, each answering "is this a vendor name?". */
const SITES: Record<string, (name: string) => boolean> = {
  isVendorName: (name) => isVendorName(name),
  'vendor registry (VENDOR_NAME)': (name) => REGISTRY_VENDOR_NAME.test(name),
  'vendor source list': (name) => {
    try {
      compileVendorSourceList(name, ['192.0.2.0/24'], {});
      return true;
    } catch {
      return false;
    }
  },
  'inbound path reading': (name) => vendorOfPath(`/vendors/${name}/webhook`) === name,
  'vendor module discovery': (name) => isVendorModuleFile(`${name}.module.ts`),
  'throttle bucket': (name) => vendorTracker(name) === `vendor:${name}`,
  'admin filter (dead letters)': (name) =>
    validateSync(plainToInstance(ReplayAllQuery, { vendor: name })).length === 0,
  'new:vendor scaffold': (name) => scaffoldName([name]) === name,
  'vendors.<name> settings': (name) => {
    const file = join(mkdtempSync(join(tmpdir(), 'vendor-name-')), 'gateway.yaml');
    // YAML is a superset of JSON: the name reaches the loader exactly as written.
    writeFileSync(file, JSON.stringify({ vendors: { [name]: { enabled: false } } }));
    try {
      loadGatewayConfig({ GATEWAY_CONFIG: file });
      return true;
    } catch (error) {
      if (error instanceof ConfigError) return false;
      throw error;
    }
  },
};

describe('the vendor-name rule', () => {
  it('is one RegExp, the one the registry exports', () => {
    expect(REGISTRY_VENDOR_NAME).toBe(VENDOR_NAME);
  });

  describe.each(Object.entries(SITES))('%s', (_site, accepts) => {
    it.each(ACCEPTED)('accepts %j', (name) => expect(accepts(name)).toBe(true));
    it.each(REFUSED)('refuses %j', (name) => expect(accepts(name)).toBe(false));
  });

  it('holds for every vendor folder, so each one is discovered', () => {
    const vendors = join(__dirname, '..', 'vendors');
    const folders = readdirSync(vendors, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter((folder) => readdirSync(join(vendors, folder)).includes(`${folder}.module.ts`));
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) expect([folder, isVendorName(folder)]).toEqual([folder, true]);
  });

  it('names the variable when VENDOR_<NAME>__<KEY> spells no vendor name', () => {
    let problems: readonly string[] = [];
    try {
      loadGatewayConfig({ VENDOR_3CX__ENABLED: 'true' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      `vendors.3cx (VENDOR_3CX__ENABLED): is not a vendor name (${VENDOR_NAME_RULE})`,
    ]);
    expect(loadGatewayConfig({ VENDOR_TWILIO_VOICE__ENABLED: 'false' }).vendors).toEqual({
      'twilio-voice': { enabled: 'false' },
    });
  });
});
