import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceKit } from './conformance-kit';

const VENDORS_DIR = join(__dirname, '..');

export interface VendorFolder {
  folder: string;
  /** The folder's `fixtures/<folder>.conformance.ts` export, if the file exists. */
  kit?: ConformanceKit;
}

/** Every vendor folder (one holding a `<name>.module.ts`) and its conformance kit. */
export function discoverConformanceKits(): VendorFolder[] {
  return readdirSync(VENDORS_DIR, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && existsSync(join(VENDORS_DIR, entry.name, `${entry.name}.module.ts`)),
    )
    .map(({ name: folder }) => {
      const file = join(VENDORS_DIR, folder, 'fixtures', `${folder}.conformance.ts`);
      if (!existsSync(file)) return { folder };
      // Loaded by path so that no list of vendors exists anywhere.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(file) as { conformance?: ConformanceKit };
      return { folder, kit: loaded.conformance };
    });
}
