/**
 * How the browser tests and the dashboard benchmark start Chromium through playwright-core: Debian's `chromium`
 * (`.ci/run` installs it when missing; playwright-core downloads no browser here), or CHROMIUM_PATH, headless,
 * with what it would reach for on the network switched off.
 */
export function chromiumLaunchOptions(env: NodeJS.ProcessEnv = process.env): { executablePath: string; args: string[] } {
  return {
    executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}
