// Debian's Chromium driven by playwright-core (no browser download: `npm test` installs the
// Debian package when it is missing). Flags keep it off the network this machine does not have.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ORRERY_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
