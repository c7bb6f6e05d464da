import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MODULE_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import { isVendorName } from '../messages/vendor-name';

/** `twilio.module.ts` (or `.js` once built) inside `src/vendors/twilio/`. */
const MODULE_FILE = /^(.+)\.module\.(js|ts)$/;

/** Whether `file` is a vendor module: `<vendor name>.module.ts` or `.js`. */
export function isVendorModuleFile(file: string): boolean {
  const match = MODULE_FILE.exec(file);
  return match !== null && isVendorName(match[1]);
}

/**
 * Loads the Nest module of every vendor folder beside this file. A new vendor is a new folder
 * with a `<name>.module.ts`; no list elsewhere names it.
 */
export function discoverVendorModules(root: string = __dirname): Type[] {
  const modules: Type[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(root, entry.name);
    for (const file of readdirSync(folder)) {
      if (!isVendorModuleFile(file)) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- vendor modules are found at run time by design
      const exported = require(join(folder, file)) as Record<string, unknown>;
      for (const value of Object.values(exported)) {
        if (typeof value === 'function' && isNestModule(value)) modules.push(value as Type);
      }
    }
  }
  return modules;
}

function isNestModule(value: object): boolean {
  return Object.values(MODULE_METADATA).some((key) => Reflect.hasMetadata(key, value));
}
