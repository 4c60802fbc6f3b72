// SPEC 12 in a real browser: Debian's chromium (playwright-core) against the real daemon's HTTP
// door. Every wait is for something the page shows; nothing sleeps.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { tempDir } from '../helpers/daemon.js';
import { launchBrowser, startConsoleDaemon, type ConsoleDaemon } from './browser.js';

const KEY = 'console-test-key-0123456789abcdef';
const OTHER_KEY = 'ops-only-console-key-9876543210';

const AUTH = `[${KEY}]
auth_clusters = default

[${OTHER_KEY}]
auth_clusters = ops
`;

const RELAYS = `[default]
echo = /bin/echo

[default::fail]
command = /bin/sh -c 'echo "failing on purpose" >&2; exit 3' fail
description = Fails with exit status 3

[default::live]
command = /bin/sh -c 'echo first; while [ ! -e "$1" ]; do sleep 0.05; done; echo second >&2; echo third' live
description = Waits for a file between two lines
args = 1
timeout = 120

[default::xss]
command = /usr/bin/printf '%s\\n' '<img src=x onerror=window.__pwned=1>'
description = <b>not bold</b>

[default::cat]
command = /bin/cat
payload = stdin
max_payload = 1K
description = Echoes its payload

[default::pick]
command = /bin/echo
args = 0-2
arg_pattern = [a-z]+

[default::long]
command = /bin/sh -c 'echo started; exec sleep 300' long
description = Runs until cancelled
timeout = 600

[default::job-fails]
command = /bin/sh -c 'echo to-out; echo to-err >&2; exit 4' fails

[default::slow]
command = /bin/sleep 300
description = Always past its time limit
timeout = 0.5

[ops]
restart = /bin/echo restarted
`;

const LIMIT = { timeout: 120_000 };

describe('web console in chromium', () => {
  let relay: ConsoleDaemon | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  const work = tempDir('uscmdrelay-console-');

  // One at a time, so that `after` closes whatever did start when the other failed.
  before(async () => {
    browser = await launchBrowser();
    relay = await startConsoleDaemon({ auth: AUTH, relays: RELAYS });
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    if (relay !== undefined) assert.equal(await relay.daemon.stop(), 0);
    assert.deepEqual(cspViolations, []);
  });

  // The console's address; only called once `before` has started everything.
  const consoleUrl = (): string => {
    if (relay === undefined) throw new Error('the daemon did not start');
    return relay.url;
  };

  async function openConsole(options: BrowserContextOptions = {}): Promise<Page> {
    if (browser === undefined) throw new Error('the browser did not start');
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    await page.goto(consoleUrl());
    return page;
  }

  async function signIn(page: Page, key = KEY): Promise<void> {
    await page.getByLabel('Key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  // A command's entry, found by its full name shown as text; opened to show its form.
  async function openCommand(page: Page, name: string): Promise<Locator> {
    const card = page.getByRole('region', { name: 'Commands' }).getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });
    await card.getByText(name, { exact: true }).click();
    await card.getByRole('button', { name: /^Run/ }).waitFor();
    return card;
  }

  const outcomeOf = (card: Locator): Promise<string> => card.getByRole('status').innerText();
  // Browser-side expressions are strings: the tests are type-checked without the DOM's names.
  const inPage = async (page: Page, expression: string): Promise<unknown> => {
    const value: unknown = await page.evaluate(expression);
    return value;
  };
  const sessionKeys = (page: Page): Promise<unknown> => inPage(page, 'Object.keys(sessionStorage)');

  it('sends the security headers with the page and its files', LIMIT, async () => {
    for (const path of ['', 'js/main.js', 'console.css']) {
      const response = await fetch(new URL(path, consoleUrl()));
      assert.equal(response.status, 200, path);
      assert.equal(
        response.headers.get('content-security-policy'),
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('a wrong key shows the relay\'s message and keeps nothing', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page, 'not-a-key-at-all');
    const alert = page.getByRole('alert');
    await alert.getByText('Authentication failed').waitFor();
    assert.equal(await alert.innerText(), 'Authentication failed (code 1000)');
    assert.deepEqual(await sessionKeys(page), []);
    assert.equal(await page.getByRole('heading', { name: 'Commands' }).isVisible(), false);
  });

  it('signs in, lists what the key may run with rules, keeps the key in the tab only, signs out', LIMIT, async () => {
    const page = await openConsole();
    const sent: Array<{ url: string; authorization: string | undefined }> = [];
    page.on('request', (request) => sent.push({ url: request.url(), authorization: request.headers().authorization }));
    await signIn(page);
    await page.getByText('9 commands this key may run').waitFor();
    const names = await page.locator('li.command summary code').allInnerTexts();
    assert.deepEqual(names, ['default::cat', 'default::echo', 'default::fail', 'default::job-fails', 'default::live', 'default::long', 'default::pick', 'default::slow', 'default::xss']);
    await page.getByText('Fails with exit status 3').waitFor();
    const pick = await openCommand(page, 'default::pick');
    assert.deepEqual(await pick.locator('ul.rules li').allInnerTexts(), ['Arguments: up to 2, each matching [a-z]+ as a whole', 'Payload: none']);
    const cat = await openCommand(page, 'default::cat');
    assert.deepEqual(await cat.locator('ul.rules li').allInnerTexts(), ['Arguments: any number', 'Payload: on standard input, up to 1 KiB']);

    // The key: in sessionStorage, in the Authorization header, never in a URL or a cookie.
    assert.deepEqual(await sessionKeys(page), ['uscmdrelay.key']);
    assert.equal(await page.getByLabel('Key').inputValue(), '');
    assert.equal(page.url(), consoleUrl());
    assert.deepEqual(await page.context().cookies(), []);
    const api = sent.filter((request) => new URL(request.url).pathname.startsWith('/v1/'));
    assert.ok(api.length >= 1);
    for (const request of sent) assert.equal(request.url.includes(KEY), false, request.url);
    for (const request of api) assert.equal(request.authorization, `Bearer ${KEY}`);

    // A reload keeps the tab signed in; signing out forgets the key.
    await page.reload();
    await page.getByText('default::echo', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Key').waitFor();
    assert.deepEqual(await sessionKeys(page), []);
    assert.equal(await page.locator('li.command').count(), 0);
    await page.reload();
    await page.getByLabel('Key').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
  });

  it('another key sees only its own commands', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page, OTHER_KEY);
    await page.getByText('ops::restart', { exact: true }).waitFor();
    assert.deepEqual(await page.locator('li.command summary code').allInnerTexts(), ['ops::restart']);
  });

  it('shows output live, stdout and stderr apart, then exit status, code and duration', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    const card = await openCommand(page, 'default::live');
    const gate = join(work, 'go');
    await card.getByLabel('Arguments, one per line').fill(gate);
    await card.getByRole('button', { name: /^Run/ }).click();
    // The command is blocked on the gate file: what shows now was streamed, not answered at the end.
    await card.locator('pre .stdout').getByText('first').waitFor();
    assert.equal(await outcomeOf(card), 'running');
    writeFileSync(gate, '');
    await card.getByText(/^succeeded/).waitFor();
    assert.match(await outcomeOf(card), /^succeeded · exit 0 · code 0 · \d+ ms$/);
    assert.equal((await card.locator('pre .stderr').allInnerTexts()).join(''), 'second\n');
    assert.equal((await card.locator('pre .stdout').allInnerTexts()).join(''), 'first\nthird\n');
  });

  it('a failing command is shown as failed: exit 3, code 3001', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    const card = await openCommand(page, 'default::fail');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText('exit 3').waitFor();
    assert.match(await outcomeOf(card), /^failed · exit 3 · code 3001 · \d+ ms$/);
    await card.getByText('3001').waitFor();
    assert.equal(await card.locator('pre .stderr').innerText(), 'failing on purpose\n');
  });

  it('a run the relay killed is shown as killed, not as success', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    const card = await openCommand(page, 'default::slow');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText('code 3002').waitFor();
    assert.match(await outcomeOf(card), /^timed out · signal SIG[A-Z]+ · code 3002 · [\d.]+ (ms|s)$/);
    await card.locator('.detail').getByText(/\S/).waitFor();
  });

  it('a refused run shows the code and the relay\'s message', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    const card = await openCommand(page, 'default::pick');
    await card.getByLabel('Arguments, one per line').fill('fine\nNOT-FINE');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText('code 2002').waitFor();
    assert.equal(await outcomeOf(card), 'not run · code 2002');
    await card.getByText('argument 2 does not match the allowed pattern').waitFor();
    await card.getByLabel('Arguments, one per line').fill('one\ntwo');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText(/^succeeded/).waitFor();
    assert.equal(await card.locator('pre').innerText(), 'one two\n');
  });

  it('sends a payload from the text box or from a file, and shows a refused one', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    const card = await openCommand(page, 'default::cat');
    await card.getByLabel('Payload', { exact: true }).fill('typed payload\nline two');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText(/^succeeded/).waitFor();
    assert.equal(await card.locator('pre').innerText(), 'typed payload\nline two');

    await card.getByLabel('or payload from a file').setInputFiles({ name: 'data.txt', mimeType: 'text/plain', buffer: Buffer.from('from a file ✓\n') });
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.locator('pre').getByText('from a file ✓').waitFor();
    // The output shows as it streams, before the run's outcome: wait for that too.
    await card.getByRole('status').filter({ hasText: /^succeeded/ }).waitFor();
    assert.match(await outcomeOf(card), /^succeeded · exit 0 · code 0/);

    await card.getByLabel('or payload from a file').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2048, 7) });
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText('code 2004').waitFor();
    assert.equal(await outcomeOf(card), 'not run · code 2004');
    await card.getByText('larger than 1024 bytes').waitFor();
  });

  it('renders output as text: markup a command prints creates no element', LIMIT, async () => {
    const page = await openConsole();
    await signIn(page);
    await page.getByText('<b>not bold</b>', { exact: true }).waitFor();
    assert.equal(await page.locator('li.command b').count(), 0);
    const card = await openCommand(page, 'default::xss');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText(/^succeeded/).waitFor();
    assert.equal(await card.locator('pre').innerText(), '<img src=x onerror=window.__pwned=1>\n');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await inPage(page, "'__pwned' in window"), false);
  });

  it('works with the keyboard alone', LIMIT, async () => {
    const page = await openConsole();
    const focused = (): Promise<string> =>
      inPage(
        page,
        `(() => {
          const element = document.activeElement;
          if (!(element instanceof HTMLElement)) return '';
          const where = element.closest('li.command')?.getAttribute('data-command') ?? '';
          return where + '|' + element.tagName.toLowerCase() + '|' + (element.id || element.innerText.trim());
        })()`,
      ).then(String);
    const tabTo = async (wanted: (text: string) => boolean): Promise<void> => {
      for (let presses = 0; presses < 12; presses++) {
        await page.keyboard.press('Tab');
        if (wanted(await focused())) return;
      }
      throw new Error(`Tab never reached it; last focus: ${await focused()}`);
    };
    await tabTo((text) => text === '|input|key');
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');
    await page.getByText('9 commands this key may run').waitFor();
    assert.equal(await focused(), '|h2|commands-title');
    await tabTo((text) => text.startsWith('default::cat|summary|'));
    await page.keyboard.press('Enter');
    await tabTo((text) => /^default::cat\|textarea\|c\d+-payload$/.test(text));
    await page.keyboard.type('typed by keyboard');
    await tabTo((text) => text === 'default::cat|button|Run');
    await page.keyboard.press('Enter');
    const card = page.locator('li.command[data-command="default::cat"]');
    await card.getByText(/^succeeded/).waitFor();
    assert.equal(await card.locator('pre').innerText(), 'typed by keyboard');
  });

  it('fits a 390 px wide phone screen', LIMIT, async () => {
    const page = await openConsole({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page);
    const card = await openCommand(page, 'default::live');
    await card.getByLabel('Arguments, one per line').fill(join(work, 'phone-gate-that-is-a-rather-long-path-name-to-wrap'));
    writeFileSync(join(work, 'phone-gate-that-is-a-rather-long-path-name-to-wrap'), '');
    await card.getByRole('button', { name: /^Run/ }).click();
    await card.getByText(/^succeeded/).waitFor();
    assert.equal(await inPage(page, 'document.documentElement.scrollWidth'), 390);
    for (const button of [card.getByRole('button', { name: /^Run/ }), card.getByRole('button', { name: /job/ }), page.getByRole('button', { name: 'Sign out' })]) {
      const box = await button.boundingBox();
      assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 390 && box.height >= 40, JSON.stringify(box));
    }
  });

  describe('jobs', () => {
    const jobView = (page: Page): Locator => page.locator('#job-view');
    const jobState = (page: Page): Promise<string> => jobView(page).getByRole('status').innerText();
    const jobList = (page: Page): Locator => page.getByRole('region', { name: 'Jobs' }).getByRole('listitem');

    it('starts a job, follows its log live, resumes after a reload, cancels it', LIMIT, async () => {
      const page = await openConsole();
      await signIn(page);
      const card = await openCommand(page, 'default::long');
      await card.getByRole('button', { name: /job/ }).click();
      await jobView(page).locator('pre').getByText('started').waitFor();
      assert.equal(await jobState(page), 'running');
      const title = await jobView(page).getByRole('heading').innerText();
      const id = /^Job ([0-9a-f]+)$/.exec(title)?.[1];
      assert.ok(id, title);
      assert.equal(await jobList(page).filter({ hasText: 'default::long' }).first().locator('.state').innerText(), 'running');

      // Reopening the page picks the job up again, from the start of its log.
      await page.reload();
      await jobView(page).getByRole('heading', { name: `Job ${id}` }).waitFor();
      await jobView(page).locator('pre').getByText('started').waitFor();
      assert.equal(await jobState(page), 'running');

      await jobView(page).getByRole('button', { name: 'Cancel' }).click();
      await jobView(page).getByText(/^cancelled/).waitFor();
      assert.match(await jobState(page), /^cancelled · signal SIGTERM · code \d+ · [\d.]+ (ms|s)$/);
      assert.equal(await jobView(page).getByRole('button', { name: 'Cancel' }).isVisible(), false);
      await jobList(page).filter({ hasText: 'default::long' }).first().getByText(/^cancelled/).waitFor();
    });

    it('a job that fails shows exit status and code; the list follows any past job', LIMIT, async () => {
      const page = await openConsole();
      await signIn(page);
      const card = await openCommand(page, 'default::job-fails');
      await card.getByRole('button', { name: /job/ }).click();
      await jobView(page).getByText(/exit 4/).waitFor();
      assert.match(await jobState(page), /^exited · exit 4 · code 3001 · [\d.]+ (ms|s)$/);
      const output = await jobView(page).locator('pre').innerText();
      assert.deepEqual(output.split('\n').filter((line) => line !== '').sort(), ['to-err', 'to-out']);

      await jobView(page).getByRole('button', { name: 'Close' }).click();
      assert.equal(await jobView(page).isVisible(), false);
      const row = jobList(page).filter({ hasText: 'default::job-fails' }).first();
      await row.getByText('exit 4 · code 3001').waitFor();
      await row.getByRole('button', { name: /^Follow/ }).click();
      await jobView(page).getByText(/exit 4/).waitFor();
      await jobView(page).locator('pre').getByText('to-out').waitFor();
    });
  });

  it('follows the system: dark and light', LIMIT, async () => {
    const background = async (colorScheme: 'dark' | 'light'): Promise<unknown> => {
      const page = await openConsole({ colorScheme });
      await page.getByLabel('Key').waitFor();
      return inPage(page, 'getComputedStyle(document.body).backgroundColor');
    };
    assert.equal(await background('dark'), 'rgb(18, 20, 22)');
    assert.equal(await background('light'), 'rgb(247, 247, 245)');
  });
});
