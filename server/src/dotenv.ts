import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a .env file where the BFF is started, or else the one at the repository root, into
 * process.env; variables already set win over it.
 */
export function loadDotEnv(): void {
  for (const file of [
    join(process.cwd(), '.env'),
    fileURLToPath(new URL('../../.env', import.meta.url)),
  ]) {
    if (existsSync(file)) {
      process.loadEnvFile(file);
      return;
    }
  }
}
