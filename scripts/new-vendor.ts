import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { VENDOR_NAME_RULE } from '../src/messages/vendor-name';
import { scaffoldName } from './scaffold-name';

/**
 * `npm run new:vendor -- <name>`: writes `src/vendors/<name>/` from scripts/vendor-template/, a
 * working vendor (HMAC-SHA256 over timestamp and body, JSON payload) with fixtures, tests and a
 * conformance kit, so it runs in the shared suite at once. Nothing outside the folder changes.
 *
 * `--send` adds the send part (agents' replies out as SMS): a sender (`<name>-send.ts`), its
 * stand-in and spec, the send settings, and the kit's `send` part, from the templates in
 * `vendor-template/send/` and the `// @send-begin` ... `// @send-else` ... `// @send-end` blocks
 * of the others. Without it those blocks take their `@send-else` part, if any.
 */
const TEMPLATE_DIR = join(__dirname, 'vendor-template');
const VENDORS_DIR = join(__dirname, '..', 'src', 'vendors');

const pascal = (name: string) =>
  name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

function placeholders(name: string): Record<string, string> {
  const Pascal = pascal(name);
  return {
    __name__: name,
    __Name__: Pascal,
    __camel__: Pascal[0].toLowerCase() + Pascal.slice(1),
    __NAME__: name.toUpperCase().replace(/-/g, '_'),
  };
}

function fill(text: string, values: Record<string, string>): string {
  return Object.entries(values).reduce((out, [key, value]) => out.split(key).join(value), text);
}

const SEND_BLOCK =
  /^[ \t]*\/\/ @send-begin\n([\s\S]*?)(?:^[ \t]*\/\/ @send-else\n([\s\S]*?))?^[ \t]*\/\/ @send-end\n/gm;

/** Keeps a template's send blocks (with `--send`) or their `@send-else` parts (without). */
export function sendBlocks(text: string, send: boolean): string {
  return text.replace(SEND_BLOCK, (_block, withSend: string, without?: string) =>
    send ? withSend : (without ?? ''),
  );
}

/** Where a template file goes: `send/` templates only with `--send`, beside the others. */
function outputPath(relativePath: string, send: boolean): string | undefined {
  const parts = relativePath.split(/[\\/]/);
  if (parts[0] !== 'send') return relativePath;
  return send ? join(...parts.slice(1)) : undefined;
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templateFiles(join(dir, entry.name))
      : entry.name.endsWith('.tpl')
        ? [join(dir, entry.name)]
        : [],
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const send = args.includes('--send');
  const name = scaffoldName(args);
  if (name === undefined) {
    console.error(`usage: npm run new:vendor -- <name> [--send]   (${VENDOR_NAME_RULE})`);
    process.exit(2);
  }
  const target = join(VENDORS_DIR, name);
  if (existsSync(target)) {
    console.error(`src/vendors/${name} already exists`);
    process.exit(1);
  }
  const values = placeholders(name);
  for (const file of templateFiles(TEMPLATE_DIR)) {
    const relativePath = outputPath(relative(TEMPLATE_DIR, file), send);
    if (relativePath === undefined) continue;
    const out = join(target, fill(relativePath, values).replace(/\.tpl$/, ''));
    mkdirSync(dirname(out), { recursive: true });
    const text = sendBlocks(fill(readFileSync(file, 'utf8'), values), send);
    const options = await resolveConfig(out);
    writeFileSync(out, await format(text, { ...options, filepath: out }));
    console.log(`created ${relative(process.cwd(), out)}`);
  }
  console.log(
    `\nNext: npx jest src/vendors/${name} test/vendor-conformance -t ${name}\n` +
      `Then replace the template's scheme and payload with the vendor's own (README: Adding a vendor).`,
  );
}

if (require.main === module) void main();
