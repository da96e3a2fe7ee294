import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's `chromium` package (installed by `.ci/run` when missing); `CHROMIUM_PATH` points elsewhere. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  const found = [env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('no Chromium found: `apt-get install chromium` (Debian) or set CHROMIUM_PATH');
  return found;
}

/**
 * A headless Chromium for the browser tests and `npm run bench:ui`, driven by puppeteer-core (which never
 * downloads a browser of its own). No sandbox: CI runs as root in a container.
 */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}
