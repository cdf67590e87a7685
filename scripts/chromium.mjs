// Headless Chromium for the browser tests, benchmarks and screenshots: Debian's
// /usr/bin/chromium (CHROMIUM_PATH overrides) driven by playwright-core, with the flags that
// keep it off the network (this machine has none; without them it retries connections).
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch headless Chromium. */
export function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}
