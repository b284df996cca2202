/**
 * How the tests and the app benchmark start Debian's Chromium: Playwright's own browser download
 * is not used, and the background-networking flags keep Chromium from calling home (the tests
 * assert that no request leaves the page's origin).
 */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
