import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_KEYS } from './environment-keys';

describe('environment keys', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it.each(Object.entries(ENVIRONMENT_KEYS))(
    'README’s configuration reference lists %s (%s)',
    (variable, key) => {
      expect(readme).toContain(`| \`${variable}\` | \`${key}\` |`);
    },
  );
});
