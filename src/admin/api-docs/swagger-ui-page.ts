import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The package's folder, found without loading its index (which loads the whole UI bundle). */
const DIST_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/**
 * Swagger UI's files, served by the gateway itself (closed networks reach no CDN), with their
 * media types. Only these names are served: the route parameter never reaches the file system.
 */
export const SWAGGER_UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Our own start-up script, in place of the dist's petstore one. */
export const INIT_SCRIPT_NAME = 'swagger-initializer.js';

const assets = new Map<string, Promise<Buffer>>();

/** One of SWAGGER_UI_ASSETS' files, read once. */
export function swaggerUiAsset(name: string): Promise<Buffer> {
  let asset = assets.get(name);
  if (!asset) {
    asset = readFile(join(DIST_DIR, name));
    // A failed read is tried again next time rather than remembered.
    asset.catch(() => assets.delete(name));
    assets.set(name, asset);
  }
  return asset;
}

/**
 * The page at `/admin/api-docs`. No inline script or style, so the CSP needs no
 * `unsafe-inline`: everything, the start-up script included, is a file of the gateway's.
 * Relative to `/admin/`, the page's directory.
 */
export const SWAGGER_UI_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>B2C webhook gateway API</title>
    <link rel="stylesheet" href="api-docs/swagger-ui.css">
    <link rel="stylesheet" href="api-docs/index.css">
    <link rel="icon" type="image/png" href="api-docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="api-docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="api-docs/swagger-ui-bundle.js"></script>
    <script src="api-docs/${INIT_SCRIPT_NAME}"></script>
  </body>
</html>
`;

/**
 * Loads the document from the gateway (`validatorUrl: null`: Swagger UI would otherwise send it
 * to an online validator). BaseLayout: no top bar, whose box loads any URL typed into it.
 */
export const SWAGGER_UI_INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'api-docs/json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
