import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestApp } from './harness.ts';

/** Screenshots of the console, made by the browser tests and shown in docs/console.md. */
export const shots = fileURLToPath(new URL('../../docs/console/', import.meta.url));
const axeScript = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** Starts the app's listener and Debian's Chromium; the base URL. */
export async function openBrowser(t: TestApp): Promise<{ browser: Browser; base: string }> {
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: launchArgs });
  mkdirSync(shots, { recursive: true });
  return { browser, base };
}

/** Logs in through the form and waits for the dashboard. */
export async function logIn(page: Page, base: string, user: string, password = 'secret-pw'): Promise<void> {
  await page.goto(`${base}/panel/login`);
  await page.getByLabel('User name or e-mail').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/panel/`);
}

/** axe-core's serious and critical violations on each page, as `path: rule` (needs a context with bypassCSP). */
export async function axeViolations(page: Page, base: string, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const res = await page.goto(`${base}${path}`);
    assert.ok(res && res.status() < 500, `${path}: ${res?.status()}`);
    await page.addScriptTag({ path: axeScript });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null }> }> } }).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    for (const v of violations) found.push(`${path}: ${v}`);
  }
  return found;
}
