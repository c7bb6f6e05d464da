import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/**
 * The console's files: `assets/` beside this module, in `src` (tests) and in `dist` (nest-cli's
 * `assets` copies it). Read once at start-up: they are small and never change while running.
 */
export const ASSETS_DIR = join(__dirname, 'assets');

/** Media types of the files served at `/admin/assets/:file`; other files there are not served. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ConsoleAsset {
  body: Buffer;
  type: string;
  /** A strong validator: the content's hash, so a changed file is fetched again at once. */
  etag: string;
}

/** Every servable file by name. The route's parameter is only a key here, never a path. */
export function loadConsoleAssets(dir = ASSETS_DIR): ReadonlyMap<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  for (const name of readdirSync(dir)) {
    const type = MEDIA_TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, type, etag });
  }
  return assets;
}

/** The page shell's template (not an asset: it is served only at the page routes). */
export function loadShellTemplate(dir = ASSETS_DIR): string {
  return readFileSync(join(dir, 'shell.html'), 'utf8');
}
