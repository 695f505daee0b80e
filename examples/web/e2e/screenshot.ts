import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

/**
 * `npm run screenshot --workspace @storefront/example-web`: takes the README's picture of the
 * storefront (docs/images/storefront-product.png) again, from `npm run dev:web` as a user starts
 * it (the BFF on the embedded sandbox, on free ports), in Debian's Chromium (or CHROMIUM_PATH).
 * A product name in Japanese needs a CJK font (Debian: fonts-noto-cjk), or it shows as boxes.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = resolve(ROOT, 'docs/images/storefront-product.png');
const SKU = '000123';

const dev = spawn('npm', ['run', 'dev:web', '--silent'], {
  cwd: ROOT,
  // Nothing of this shell's configuration: the picture shows the sandbox's data.
  env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', WEB_PORT: '0' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let printed = '';
const exited = once(dev, 'exit');
dev.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
dev.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));

/** The first match of `pattern` in what `npm run dev:web` prints, once it has printed it. */
function printedMatch(pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolveMatch, reject) => {
    const check = (): void => {
      const match = pattern.exec(printed);
      if (!match) return;
      dev.stdout.off('data', check);
      dev.stderr.off('data', check);
      resolveMatch(match);
    };
    dev.stdout.on('data', check);
    dev.stderr.on('data', check);
    void exited.then(() => {
      reject(new Error(`npm run dev:web exited:\n${printed}`));
    });
    check();
  });
}

try {
  const [, app = ''] = await printedMatch(/The storefront: (\S+)\//);
  await printedMatch(/"msg":"listening"/);
  await printedMatch(/VITE v\S+ +ready/);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${app}/#/product/${SKU}`);
    // The whole page: the product, then its reviews and recommended products.
    await page.getByRole('list', { name: 'Reviews' }).waitFor({ timeout: 60_000 });
    await page.getByRole('list', { name: 'Recommendations' }).waitFor({ timeout: 60_000 });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: OUT, fullPage: true });
    console.log(`Wrote ${OUT}`);
  } finally {
    await browser.close();
  }
} finally {
  dev.kill('SIGTERM');
  await exited;
}
