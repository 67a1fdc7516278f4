// Launches Debian's chromium through playwright-core (no browser downloads here).
import { execSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--font-render-hinting=none',
];

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? execSync('command -v chromium', { shell: '/bin/bash' }).toString().trim();
}

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
