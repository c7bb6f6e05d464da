import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startInProcessGateway } from './support/in-process-gateway';
import { gatewayEnv } from './support/gateway-env';
import { chromiumAvailableSync, launchChromium, screenshot, watchPage } from './support/browser';
import {
  INCIDENT_REFUSED,
  nextSid,
  postSigned,
  settledAs,
  smsParams,
  startGatewayWithEmulator,
  type GatewayWithEmulator,
} from './support/gateway-fixture';
import { waitFor } from './support/wait-for';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';

const ADMIN_TOKEN = 'console-admin-token-0b7d5e21';
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; " +
  "object-src 'none'";

/** Allow rules for the rules page to show (loopback, where the test's requests come from). */
function rulesFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'console-rules-')), 'gateway.yaml');
  writeFileSync(
    file,
    stringify({
      allowlist: {
        inbound: {
          sourceGroups: { vendors: ['127.0.0.0/8'], operators: ['127.0.0.1/32'] },
          pathGroups: {
            webhooks: [{ prefix: '/vendors/' }],
            operations: [{ prefix: '/admin/' }, { prefix: '/health/' }],
          },
          rules: [
            { name: 'vendor-webhooks', pathGroup: 'webhooks', sources: ['vendors'] },
            { name: 'operators', pathGroup: 'operations', sources: ['operators'] },
          ],
        },
      },
    }),
  );
  return file;
}

/** Submits the sign-in form and waits for the page the gateway's 303 leads to. */
async function submitSignIn(tab: Page, token: string, landsOn: RegExp): Promise<void> {
  await tab.fill('#token', token);
  await Promise.all([
    tab.waitForResponse(
      (response) =>
        response.url().endsWith('/admin/session') && response.request().method() === 'POST',
    ),
    tab.click('#sign-in-form button[type=submit]'),
  ]);
  await tab.waitForURL(landsOn);
}

/** The `data-id` of each row. */
const idsOf = async (rows: Locator) =>
  Promise.all((await rows.all()).map((row) => row.getAttribute('data-id')));

/** The policy's directives, for comparing policies written with or without spaces. */
const directives = (policy: string | null) =>
  (policy ?? '').split(';').map((directive) => directive.trim().replace(/\s+/g, ' '));

/** A page on another origin whose form posts to the gateway as soon as it loads. */
function attackerPage(action: string, body = ''): string {
  return `<!doctype html><html><body>
<form id="f" method="post" action="${action}">${body}</form>
<script>document.getElementById('f').submit();</script>
</body></html>`;
}

/**
 * The admin console in a real chromium: a real gateway (SQLite, or PostgreSQL with
 * TEST_STORAGE_DRIVER=postgres) and B2C emulator, real signed webhooks, real cookies and CSP.
 */
const describeInBrowser = chromiumAvailableSync('admin console') ? describe : describe.skip;

describeInBrowser('admin console in a browser', () => {
  let gw: GatewayWithEmulator;
  let browser: Browser;
  let attacker: Server;
  let attackerPort: number;
  let context: BrowserContext;
  let page: Page;
  let watched: ReturnType<typeof watchPage>;
  const delivered = nextSid();
  const dead = nextSid();
  let deadId: number;
  let deliveredId: number;

  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${gw.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const idOf = async (messageId: string): Promise<number> => {
    const answer = await api(`/admin/messages?messageId=${messageId}`);
    return (answer.body.items as { id: number }[])[0].id;
  };
  const stateOf = async (id: number) => (await api(`/admin/messages/${id}`)).body;

  beforeAll(async () => {
    [gw, browser] = await Promise.all([
      startGatewayWithEmulator({
        ADMIN_MODE: 'token',
        ADMIN_TOKEN,
        B2C_SETTLE_DELAY_MS: '300',
        GATEWAY_CONFIG: rulesFile(),
      }),
      launchChromium(),
    ]);
    attacker = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://attacker');
      const action = url.searchParams.get('action') ?? '';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(attackerPage(action, url.searchParams.get('body') ?? ''));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;

    expect((await postSigned(gw.url, smsParams(delivered))).status).toBe(200);
    await settledAs(gw, delivered, 'delivered');
    await gw.control.addFault(INCIDENT_REFUSED);
    expect(
      (
        await postSigned(
          gw.url,
          smsParams(dead, { From: '+14155550123', Body: 'Where is my parcel?' }),
        )
      ).status,
    ).toBe(200);
    await settledAs(gw, dead, 'dead');
    [deadId, deliveredId] = await Promise.all([idOf(dead), idOf(delivered)]);

    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // Every wait in this file is for something that takes well under a second here.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    watched = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
    await gw?.stop();
  });

  afterEach(() => {
    // No page broke its CSP or threw, and nothing was fetched from anywhere but the gateway.
    expect(watched.problems).toEqual([]);
    expect(watched.requests.filter((url) => !url.startsWith(`${gw.url}/`))).toEqual([]);
  });

  it('serves the shell with a strict CSP and its files with their types and validators', async () => {
    const root = await fetch(`${gw.url}/admin`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/');

    for (const path of ['/admin/', '/admin/sign-in', '/admin/sign-in?error=1']) {
      const shell = await fetch(`${gw.url}${path}`);
      expect({ path, status: shell.status }).toEqual({ path, status: 200 });
      expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(directives(shell.headers.get('content-security-policy'))).toEqual(
        directives(CONSOLE_CSP),
      );
      expect(shell.headers.get('cache-control')).toBe('no-store');
      // Not no-referrer: with it, the sign-in form's post would say `Origin: null`.
      expect(shell.headers.get('referrer-policy')).toBe('same-origin');
      const html = await shell.text();
      // Nothing inline for the CSP to forbid, and nothing fetched from elsewhere.
      expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style/i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).toContain('action="/admin/session"');
      expect(html.includes('That did not sign you in')).toBe(path.endsWith('error=1'));
    }

    const script = await fetch(`${gw.url}/admin/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    const etag = script.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(`${gw.url}/admin/assets/app.js`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${gw.url}/admin/assets/console.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await fetch(`${gw.url}/admin/assets/icon.svg`)).headers.get('content-type')).toBe(
      'image/svg+xml',
    );
    // Only the listed files: not the template, not a path out of the folder (which the inbound
    // allow rules already refuse, 403, before the route's own 404).
    for (const [name, status] of [
      ['shell.html', 404],
      ['nope.js', 404],
      ['..%2Fconsole-assets.ts', 403],
    ] as const) {
      const answer = await fetch(`${gw.url}/admin/assets/${name}`);
      expect({ name, status: answer.status }).toEqual({ name, status });
      expect(answer.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
  });

  it('shows a signed-out browser the sign-in and nothing else', async () => {
    const stranger = await browser.newContext();
    try {
      const tab = await stranger.newPage();
      const strangerWatch = watchPage(tab);
      await tab.goto(`${gw.url}/admin/#/messages`);
      await tab.locator('#token').waitFor();
      // The page asked for the session, was refused, and drew nothing else.
      await waitFor('the session check', () =>
        strangerWatch.requests.some((url) => url.endsWith('/admin/session')) ? true : undefined,
      );
      expect(await tab.locator('#view').isHidden()).toBe(true);
      expect(await tab.locator('#nav').isHidden()).toBe(true);
      expect(await tab.content()).not.toContain(dead);
      const answers = await tab.evaluate(async () => {
        const paths = ['/admin/messages', '/admin/dead-letters', '/admin/metrics', '/admin/config'];
        return Promise.all(paths.map(async (path) => (await fetch(path)).status));
      });
      expect(answers).toEqual([401, 401, 401, 401]);
      await screenshot(tab, 'sign-in');
      expect(strangerWatch.problems).toEqual([]);
    } finally {
      await stranger.close();
    }
  });

  it('signs in with the form, also without JavaScript, and refuses a wrong token', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    try {
      const tab = await plain.newPage();
      await tab.goto(`${gw.url}/admin/`);
      await submitSignIn(tab, ADMIN_TOKEN, /\/admin\/$/);
      const cookies = await plain.cookies();
      expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite])).toEqual([
        ['gw_admin_session', true, 'Strict'],
      ]);
    } finally {
      await plain.close();
    }

    await page.goto(`${gw.url}/admin/`);
    await submitSignIn(page, 'not-the-token', /\/admin\/sign-in\?error=1$/);
    await page.getByRole('alert').filter({ hasText: 'That did not sign you in' }).waitFor();
    expect(await context.cookies()).toEqual([]);

    await submitSignIn(page, ADMIN_TOKEN, /\/admin\/$/);
    await page.locator('#nav').waitFor();
    expect(await page.locator('#sign-in').isHidden()).toBe(true);
    expect(await page.locator('#subject').textContent()).toBe('admin');
    // Overview: counts from the metrics, and rates once there are two samples.
    const intake = page.locator('[data-tile="Intake"] .value');
    await waitFor('the first rates', async () =>
      /\/min$/.test((await intake.textContent()) ?? '') ? true : undefined,
    );
    await page.locator('[data-tile="Dead letters"] .value', { hasText: '1' }).waitFor();
    await page.locator('[data-tile="Delivery"] .value', { hasText: 'running' }).waitFor();
    // B2C's reachability comes from the readiness check (/admin/health): it shows its latency.
    await page.locator('[data-tile="B2C"] .value', { hasText: 'reachable' }).waitFor();
    await page.locator('[data-tile="B2C"] .sub', { hasText: / ms$/ }).waitFor();
    const twilio = page.locator('tr[data-vendor="twilio"] td');
    expect(await twilio.allTextContents()).toEqual(['twilio', '2', '0', '1', '0', '1', '50 %']);
    await screenshot(page, 'overview');
  });

  it('filters the message log and opens a message’s timeline', async () => {
    await page.goto(`${gw.url}/admin/#/messages`);
    const rows = page.locator('#results tbody tr');
    await rows.first().waitFor();
    expect(await idsOf(rows)).toEqual([String(deadId), String(deliveredId)]);

    // Pages follow the API's cursor.
    await page.goto(`${gw.url}/admin/#/messages?limit=1`);
    await page.locator(`#results tr[data-id="${deadId}"]`).waitFor();
    await page.click('#next-page');
    await page.locator(`#results tr[data-id="${deliveredId}"]`).waitFor();
    expect(await idsOf(rows)).toEqual([String(deliveredId)]);
    expect(await page.locator('#next-page').count()).toBe(0);

    await page.goto(`${gw.url}/admin/#/messages`);
    await page.selectOption('#filter-state', 'dead');
    await page.click('#filters button[type=submit]');
    await page.waitForURL(/state=dead/);
    await waitFor('only the dead message', async () => {
      const ids = await idsOf(rows);
      return ids.length === 1 && ids[0] === String(deadId) ? true : undefined;
    });
    await screenshot(page, 'messages');

    // The search box takes a phone number as people type it.
    await page.goto(`${gw.url}/admin/#/messages`);
    await page.fill('#filter-q', '+1 (415) 555-2671');
    await page.click('#filters button[type=submit]');
    await page.getByText('Searching by sender').waitFor();
    await waitFor('only the delivered message', async () => {
      const ids = await idsOf(rows);
      return ids.length === 1 && ids[0] === String(deliveredId) ? true : undefined;
    });
    // A bad filter is the API's 400, named, not an empty list.
    await page.goto(`${gw.url}/admin/#/messages?sender=12`);
    await page.locator('#results .error', { hasText: 'sender' }).waitFor();

    await page.goto(`${gw.url}/admin/#/messages?messageId=${delivered}`);
    await page.click(`#results a[href="#/messages/${deliveredId}"]`);
    await page.waitForURL(new RegExp(`#/messages/${deliveredId}$`));
    const timeline = page.locator('#timeline');
    await timeline.getByText('Received from twilio').waitFor();
    const { incidentId } = await stateOf(deliveredId);
    await timeline.getByText(`to incident ${String(incidentId)}`).waitFor();
    expect(await page.locator('#view h1').textContent()).toBe(`Message #${deliveredId} delivered`);
  });

  it('gives a cross-site form post nothing: 403, and no state changed', async () => {
    const post = async (attackerHost: string, action: string) => {
      const tab = await context.newPage();
      try {
        const target = `${gw.url}${action}`;
        const answer = tab.waitForResponse((response) => response.url() === target);
        const field = encodeURIComponent('<input name="reason" value="x">');
        await tab.goto(
          `http://${attackerHost}:${attackerPort}/?action=${encodeURIComponent(target)}&body=${field}`,
        );
        const response = await answer;
        return {
          status: response.status(),
          type: ((await response.json()) as { type: string }).type,
          cookie: (await response.request().allHeaders()).cookie ?? '',
        };
      } finally {
        await tab.close();
      }
    };
    for (const action of [`/admin/dead-letters/${deadId}/replay`, '/admin/delivery/pause']) {
      // Another port of the same host: another origin but the same site, so the browser sends
      // the SameSite=Strict session cookie, and the missing CSRF token is what refuses the post.
      const sameSite = await post('127.0.0.1', action);
      expect({ action, status: sameSite.status, type: sameSite.type }).toEqual({
        action,
        status: 403,
        type: expect.stringMatching(/csrf-refused$/),
      });
      expect(sameSite.cookie).toMatch(/gw_admin_session=/);
      // Another site (localhost is not 127.0.0.1's site): the cookie is not even sent.
      const crossSite = await post('localhost', action);
      expect({ action, status: crossSite.status, cookie: crossSite.cookie }).toEqual({
        action,
        status: 401,
        cookie: '',
      });
    }
    expect(await stateOf(deadId)).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await api('/admin/delivery')).body).toMatchObject({ paused: false });
    expect(gw.logs.some((line) => /replayed|paused/.test(String(line.msg)))).toBe(false);
  });

  it('replays a selected dead letter and follows it until delivered', async () => {
    await gw.control.clearFaults();
    await page.goto(`${gw.url}/admin/#/dead-letters`);
    const row = page.locator(`tr[data-id="${deadId}"]`);
    await row.waitFor();
    expect(await page.locator('#replay-selected').isDisabled()).toBe(true);
    await row.locator('input[type=checkbox]').check();
    await page.locator('#replay-selected:not([disabled])').waitFor();
    await screenshot(page, 'dead-letters');
    await page.click('#replay-selected');
    await page.locator(`[data-replayed="${deadId}"][data-state="delivered"]`).waitFor({
      timeout: 20_000,
    });
    expect(await stateOf(deadId)).toMatchObject({
      state: 'delivered',
      incidentId: expect.any(Number),
    });
    expect(gw.logs.map((line) => String(line.msg))).toContain(
      `admin replayed messages ${deadId}: 1 requeued`,
    );

    // Its timeline: the refused attempt with its B2C calls, the replay, the delivery.
    await page.goto(`${gw.url}/admin/#/messages/${deadId}`);
    const timeline = page.locator('#timeline');
    await timeline.getByText('to incident').waitFor();
    const entries = await timeline.locator(':scope > li .what').allTextContents();
    expect(entries).toEqual([
      'Received from twilio',
      'Attempt 1 dead',
      'replayed by admin',
      'Attempt 1 delivered',
      expect.stringMatching(/^delivered to incident \d+$/),
    ]);
    await timeline
      .locator('tr', { hasText: 'POST /incidents' })
      .first()
      .getByText('OSC-CREST-00003')
      .waitFor();
    await screenshot(page, 'message');
  });

  it('pauses and resumes delivery', async () => {
    await page.goto(`${gw.url}/admin/#/`);
    await page.fill('#pause-reason', 'B2C maintenance window');
    await page.click('#pause');
    await page.locator('#resume').waitFor();
    expect((await api('/admin/delivery')).body).toMatchObject({
      paused: true,
      pausedBy: 'admin',
      reason: 'B2C maintenance window',
    });
    await page.locator('[data-tile="Delivery"] .value', { hasText: 'paused' }).waitFor();
    await page.locator('[data-tile="Intake"] .value', { hasText: '/min' }).waitFor();
    await screenshot(page, 'overview-paused');
    await page.click('#resume');
    await page.locator('#pause').waitFor();
    expect((await api('/admin/delivery')).body).toMatchObject({ paused: false });
  });

  it('shows the rules and targets in force, and looks up a reference id', async () => {
    await page.goto(`${gw.url}/admin/#/config`);
    const allowlist = page.locator('[data-section="allowlist"]');
    await allowlist.waitFor();
    // The rules in force, each a row, and the outbound targets (the emulator).
    await allowlist.locator('tr', { hasText: 'operators' }).getByText('operations').waitFor();
    await allowlist.locator('tr', { hasText: 'vendor-webhooks' }).waitFor();
    await allowlist.getByText(gw.emulator.url).waitFor();
    expect(await page.content()).not.toContain(ADMIN_TOKEN);
    await screenshot(page, 'config');

    const refused = await postSigned(gw.url, smsParams(nextSid()), { authToken: 'wrong-token' });
    expect(refused.status).toBe(401);
    const { referenceId } = (await refused.json()) as { referenceId: string };
    await page.goto(`${gw.url}/admin/#/reference`);
    await page.fill('#reference-id', referenceId);
    await page.click('button:has-text("Look up")');
    const result = page.locator('#reference-result');
    await result.locator('h2', { hasText: referenceId }).waitFor();
    await result.getByText('vendor signature or credentials rejected (203)').waitFor();
    await result.locator('pre', { hasText: 'signature' }).waitFor();
    await screenshot(page, 'reference');
  });

  it('fits a phone and follows a dark system theme', async () => {
    const state = await context.storageState();
    const phone = await browser.newContext({
      storageState: state,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const dark = await browser.newContext({
      storageState: state,
      viewport: { width: 1280, height: 860 },
      colorScheme: 'dark',
    });
    try {
      const tab = await phone.newPage();
      await tab.goto(`${gw.url}/admin/#/messages`);
      await tab.locator('#results tbody tr').first().waitFor();
      // The page is no wider than the screen: wide tables scroll inside their frame.
      expect(
        await tab.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(390);
      await screenshot(tab, 'phone-messages');

      const night = await dark.newPage();
      await night.goto(`${gw.url}/admin/#/`);
      await night.locator('[data-tile="Intake"] .value', { hasText: '/min' }).waitFor();
      const background = (target: Page) =>
        target.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      expect(await background(night)).toBe('rgb(18, 21, 27)');
      expect(await background(page)).toBe('rgb(245, 246, 248)');
      await screenshot(night, 'overview-dark');
    } finally {
      await phone.close();
      await dark.close();
    }
  });

  it('signs out', async () => {
    await page.goto(`${gw.url}/admin/#/`);
    await page.click('#sign-out');
    await page.locator('#token').waitFor();
    expect(await page.evaluate(async () => (await fetch('/admin/messages')).status)).toBe(401);
  });
});

describe('admin console with admin.mode disabled', () => {
  it('is closed: every console route answers 404', async () => {
    const gateway = await startInProcessGateway(
      gatewayEnv({
        emulatorUrl: 'http://127.0.0.1:9',
        twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
        extra: { ADMIN_MODE: 'disabled', WORKER_ENABLED: 'false' },
      }),
    );
    try {
      for (const path of ['/admin', '/admin/', '/admin/sign-in', '/admin/assets/app.js']) {
        const answer = await fetch(`${gateway.url}${path}`, { redirect: 'manual' });
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      }
    } finally {
      await gateway.close();
    }
  });
});
