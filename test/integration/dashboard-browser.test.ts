/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * engine and real receivers: the six steps of issue 16, each leaving a screenshot in
 * test-results/dashboard/, and every request the page makes checked to stay on the engine's origin.
 *
 * Without Chromium the file is skipped with a warning, unless HOOKLINE_REQUIRE_CHROMIUM=1 (CI),
 * where it fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard.mjs';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { node } from '../fixtures/workflows.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.HOOKLINE_REQUIRE_CHROMIUM === '1')
  throw new Error(`HOOKLINE_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: apt-get install chromium`);
if (!hasChromium) console.warn(`dashboard browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

const API_KEY = 'dashboard-test-admin-key-0123456789';
const SHOTS = join(process.cwd(), 'test-results', 'dashboard');
const STEP_MS = 15_000;

/** Webhook trigger → Set → If → two Sets: a graph with a branch. */
const ORDERS_WORKFLOW = {
  id: 'orders',
  name: 'Orders',
  active: true,
  nodes: [
    node('Order webhook', 'n8n-nodes-hookline.webhookTrigger', { kind: 'workflow', authentication: 'none' }),
    node('Shape', 'hookline.set', { fields: { total: '={{ $json.body.input_data.total }}' } }),
    node('Is big', 'hookline.if', { condition: { total: { gt: 100 } } }),
    node('Big', 'hookline.set', { fields: { size: 'big' } }),
    node('Small', 'hookline.set', { fields: { size: 'small' } }),
  ],
  connections: {
    'Order webhook': { main: [[{ node: 'Shape', type: 'main', index: 0 }]] },
    Shape: { main: [[{ node: 'Is big', type: 'main', index: 0 }]] },
    'Is big': { main: [[{ node: 'Big', type: 'main', index: 0 }], [{ node: 'Small', type: 'main', index: 0 }]] },
  },
};

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  let dist: TempDir;
  let engine: TestEngine;
  let ok: Receiver;
  let failing: Receiver;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  /** Console errors of the page: script errors, and any Content-Security-Policy violation. */
  const consoleErrors: string[] = [];
  let createdId = '';

  /** An expression evaluated in the page (this file is type-checked without the DOM library). */
  const inPage = (expression: string): Promise<unknown> => page.evaluate(expression);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${engine.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dist = makeTempDir('hookline-dashboard-');
    await buildDashboard({ outdir: dist.path });
    ok = await startReceiver();
    failing = await startReceiver({ behaviour: { status: 500, body: 'down for maintenance' } });
    engine = await startTestEngine({
      workflows: { orders: ORDERS_WORKFLOW },
      config: { apiKey: API_KEY, dashboardDir: dist.path },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engine.url });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await ok?.close();
    await failing?.close();
    dist?.remove();
  });

  test('1. signs in: a wrong key is refused with the API’s message, the right one opens the webhooks', async () => {
    await page.goto(`${engine.url}/`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid API key');
    await shot('1a-sign-in-refused');
    // By keyboard: the key field takes the first Tab, shows its focus, and Enter submits.
    await page.reload();
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    expect(await inPage('document.activeElement.id')).toBe('api-key');
    expect(await inPage('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.type(API_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    expect(await inPage("sessionStorage.getItem('hookline.apiKey')")).toBe(API_KEY);
    await shot('1b-signed-in');
  });

  test('2. creates a webhook through the form, after the API’s rule error is shown at its field', async () => {
    await page.getByRole('link', { name: 'New webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Orders to the ERP');
    await page.getByLabel('Endpoint URL').fill(`${ok.url}/orders`);
    await page.getByLabel('Events', { exact: true }).fill('order.created');
    const conditions = page.getByLabel('Conditions (JSON)');
    await conditions.fill('{"data.total": ');
    await expect.poll(() => fieldError(page, 'conditions')).toContain('Not valid JSON');
    await conditions.fill('{"data.total": {"$foo": 1}}');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => fieldError(page, 'conditions')).toMatch(/\S/);
    await expect.poll(() => inPage('document.activeElement?.id')).toBe('wh-conditions');
    await shot('2a-rule-error-at-its-field');
    await conditions.fill('{"total": {"gt": 10}}');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Webhook created' }).waitFor();
    const secret = await page.getByLabel('Signing secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await inPage('navigator.clipboard.readText()')).toBe(secret);
    await shot('2b-created-secret-once');
    await page.getByRole('link', { name: 'Open the webhook' }).click();
    await page.getByRole('heading', { name: 'Orders to the ERP' }).waitFor();
    createdId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    expect(createdId).toMatch(/^wh_/);
  });

  test('3. sends a test event to the receiver, then a real delivery’s 200 attempt appears live', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => page.locator('.test-result').textContent()).toContain('200');
    expect(ok.requests.at(-1)?.url).toBe('/orders');
    // Marks this page load: a reload would lose it.
    await inPage('window.loadMark = 1');
    await call('POST', '/events', { type: 'order.created', data: { total: 250 } });
    const row = page.locator('tr[data-delivery]', { hasText: 'order.created' });
    await row.getByText('succeeded').waitFor();
    await expect.poll(() => row.locator('.status').allTextContents()).toEqual(['succeeded', '200']);
    expect(await inPage('window.loadMark')).toBe(1);
    await shot('3a-attempt-appeared-live');
    await row.getByRole('link', { name: /Details/ }).click();
    await page.getByRole('heading', { name: /Attempt 1: 200/ }).waitFor();
    expect(await page.getByLabel('Attempt 1 request body').textContent()).toContain('"total": 250');
    expect(await page.getByLabel('Attempt 1 response body').textContent()).toContain('ok');
    expect(await page.getByLabel('Attempt 1 request headers').textContent()).toContain('webhook-signature');
    expect(await page.getByLabel('Attempt 1 response headers').textContent()).toContain('date');
    await shot('3b-attempt-request-and-response');
  });

  test('4. a failed delivery shows in Undelivered and is retried from there', async () => {
    const created = await call('POST', '/webhooks', {
      name: 'Invoices',
      url: `${failing.url}/invoices`,
      events: ['invoice.failed'],
      retry_policy: { max_retries: 0 },
    });
    await page.getByRole('link', { name: 'Undelivered' }).click();
    await page.getByRole('heading', { name: 'Undelivered' }).waitFor();
    await call('POST', '/events', { type: 'invoice.failed', data: { invoice: 'inv_1' } });
    await failing.waitFor(1);
    const row = page.locator('tr[data-delivery]', { hasText: 'Invoices' });
    await row.getByText('failed', { exact: true }).waitFor();
    await shot('4a-undelivered');
    failing.respondWith({ status: 200, body: 'thanks' });
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Retry selected (1)' }).click();
    await page.getByRole('status').filter({ hasText: '1 of 1 queued again' }).waitFor();
    await failing.waitFor(2);
    await row.waitFor({ state: 'detached' });
    const statuses = async () =>
      ((await call('GET', `/webhooks/${String(created.id)}/deliveries`)).deliveries as { status: string }[]).map(
        (d) => d.status,
      );
    await expect.poll(statuses).toEqual(['succeeded']);
    await shot('4b-retried-and-gone');
  });

  test('5. opens a workflow drawn as a graph, with its trigger URL, auth kind and a curl', async () => {
    await page.getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('link', { name: 'Orders' }).click();
    const graph = page.getByRole('img', { name: /Graph of Orders: 5 nodes, 4 connections/ });
    await graph.waitFor();
    expect(await page.locator('svg g.node').count()).toBe(5);
    expect(await page.locator('svg path.edge').count()).toBe(4);
    const url = `${engine.url}/webhooks/workflows/orders`;
    expect(await page.locator('dd.url').textContent()).toBe(`POST ${url}`);
    await page.getByText('None: anyone with the URL').waitFor();
    const curl = await page.getByLabel('curl example for Order webhook').textContent();
    expect(curl).toContain(`curl -X POST '${url}'`);
    expect(curl).toContain(`-d '{"input_data": {"hello": "world"}}'`);
    await shot('5a-workflow-graph');
    // Its executions, filtered to it: a run started by a caller appears live.
    await page.getByRole('link', { name: 'Executions', exact: true }).last().click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    const triggered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_data: { total: 150 } }),
    });
    expect(triggered.status, await triggered.clone().text()).toBeLessThan(300);
    const row = page.locator('tr[data-execution]');
    await row.getByText('succeeded').waitFor();
    await row.getByText('Output').click();
    expect(await row.locator('pre').textContent()).toContain('"size": "big"');
    await shot('5b-execution-live');
    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { name: 'workflow', exact: true }).waitFor();
  });

  test('6. stays readable at phone width (390 px), in the light and the dark theme; sign-out forgets the key', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [theme, path] of [
      ['light', `#/webhooks/${createdId}`],
      ['dark', '#/webhooks'],
    ] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${engine.url}/dashboard/${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('main table').first().waitFor();
      const overflow = await inPage('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(`6-phone-${theme}`);
    }
    const background = await inPage('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(18, 20, 23)');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await inPage("sessionStorage.getItem('hookline.apiKey')")).toBeNull();
  });

  test('the page logged no error (no script error, no Content-Security-Policy violation)', () => {
    // Steps 1 and 2 provoke a 401 (wrong key) and a 400 (bad rule): the browser notes each failed request.
    const provoked = /^Failed to load resource: the server responded with a status of 40[01]/;
    expect(consoleErrors.filter((text) => !provoked.test(text))).toEqual([]);
  });

  test('every request of the page stayed on the engine’s origin', () => {
    expect(requested.length).toBeGreaterThan(10);
    const origin = new URL(engine.url).origin;
    expect(requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin)).toEqual([]);
  });
});

async function fieldError(page: Page, path: string): Promise<string> {
  const error = page.locator(`[data-field="wh-${path}"] .field-error`);
  return (await error.count()) ? ((await error.textContent()) ?? '') : '';
}
