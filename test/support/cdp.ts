// A minimal Chrome DevTools Protocol client for browser tests, with no npm dependency: Debian's
// `chromium` is started with --remote-debugging-pipe, which speaks CDP over two inherited file
// descriptors, 3 (commands to the browser) and 4 (replies and events from it), each message one
// JSON text ended by a NUL byte (chromium's remote_debugging_pipe, "--remote-debugging-pipe").
//
//   const browser = await launchChromium();
//   const page = await browser.newPage('http://127.0.0.1:9180/');
//   await page.evaluate('document.title');
//   await browser.close();
//
// Pages are attached with `flatten: true`, so a page's commands carry its sessionId on the same
// pipe. The browser runs in its own process group (detached), which close() ends by PID if
// Browser.close does not end it; its profile lives in a fresh temporary directory, removed again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The browser's executable on Debian (package `chromium`), or null when it is not installed. */
export function chromiumPath(): string | null {
  for (const p of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${p}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

type Json = Record<string, unknown>;
type Listener = (params: Json, sessionId: string | undefined) => void;

interface Pending {
  readonly method: string;
  readonly resolve: (r: Json) => void;
  readonly reject: (e: Error) => void;
}

/** One CDP connection over the pipe: commands with ids, their results, and events. */
export class CdpConnection {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #buffered: Buffer[] = [];
  #closed: Error | null = null;
  readonly #out: Writable;

  constructor(out: Writable, input: Readable) {
    this.#out = out;
    input.on('data', (chunk: Buffer) => this.#receive(chunk));
    input.on('close', () => this.#fail(new Error('the browser closed the CDP pipe')));
    input.on('error', (e: Error) => this.#fail(e));
    out.on('error', (e: Error) => this.#fail(e));
  }

  /** Sends `method` (to the browser, or to a page when `sessionId` is given) and awaits its result. */
  send<T = Json>(method: string, params: Json = {}, sessionId?: string): Promise<T> {
    if (this.#closed !== null) return Promise.reject(new Error(`${method}: ${this.#closed.message}`));
    const id = this.#nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) });
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (r: Json) => void, reject });
      this.#out.write(`${message}\0`);
    });
  }

  /** Calls `listener` for every `method` event (of `sessionId`, when given); returns the unsubscribe. */
  on(method: string, listener: Listener, sessionId?: string): () => void {
    const wrapped: Listener = sessionId === undefined ? listener : (p, s) => s === sessionId && listener(p, s);
    let set = this.#listeners.get(method);
    if (set === undefined) this.#listeners.set(method, (set = new Set()));
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** The next `method` event (of `sessionId`) whose params satisfy `match`. */
  waitFor(method: string, o: { sessionId?: string; match?: (p: Json) => boolean; timeoutMs?: number } = {}): Promise<Json> {
    return new Promise((resolve, reject) => {
      const timeoutMs = o.timeoutMs ?? 15_000;
      const timer = setTimeout(() => (off(), reject(new Error(`no ${method} event within ${timeoutMs} ms`))), timeoutMs);
      const off = this.on(
        method,
        (p) => {
          if (o.match !== undefined && !o.match(p)) return;
          clearTimeout(timer);
          off();
          resolve(p);
        },
        o.sessionId,
      );
    });
  }

  #receive(chunk: Buffer): void {
    let start = 0;
    for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, start)) {
      this.#buffered.push(chunk.subarray(start, nul));
      const text = Buffer.concat(this.#buffered).toString('utf8');
      this.#buffered = [];
      start = nul + 1;
      this.#dispatch(JSON.parse(text) as Json);
    }
    if (start < chunk.length) this.#buffered.push(Buffer.from(chunk.subarray(start)));
  }

  #dispatch(m: Json): void {
    const sessionId = typeof m['sessionId'] === 'string' ? m['sessionId'] : undefined;
    if (typeof m['id'] === 'number') {
      const p = this.#pending.get(m['id']);
      if (p === undefined) return;
      this.#pending.delete(m['id']);
      const error = m['error'] as { message?: string; data?: string } | undefined;
      if (error !== undefined) p.reject(new Error(`${p.method}: ${error.message ?? 'error'}${error.data === undefined ? '' : ` (${error.data})`}`));
      else p.resolve((m['result'] ?? {}) as Json);
      return;
    }
    if (typeof m['method'] === 'string') {
      for (const l of this.#listeners.get(m['method']) ?? []) l((m['params'] ?? {}) as Json, sessionId);
    }
  }

  #fail(e: Error): void {
    if (this.#closed !== null) return;
    this.#closed = e;
    for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: ${e.message}`));
    this.#pending.clear();
  }
}

interface RemoteObject {
  readonly type: string;
  readonly value?: unknown;
  readonly description?: string;
}
interface EvaluateResult {
  readonly result: RemoteObject;
  readonly exceptionDetails?: { readonly text: string; readonly exception?: RemoteObject };
}

/** A page (tab) attached to the connection. */
export class Page {
  readonly consoleMessages: string[] = [];
  readonly errors: string[] = [];
  readonly cdp: CdpConnection;
  readonly targetId: string;
  readonly sessionId: string;

  constructor(cdp: CdpConnection, targetId: string, sessionId: string) {
    this.cdp = cdp;
    this.targetId = targetId;
    this.sessionId = sessionId;
    cdp.on('Runtime.consoleAPICalled', (p) => this.consoleMessages.push(`${String(p['type'])}: ${JSON.stringify(p['args'])}`), sessionId);
    cdp.on(
      'Runtime.exceptionThrown',
      (p) => {
        const d = p['exceptionDetails'] as { text?: string; exception?: RemoteObject } | undefined;
        this.errors.push(`${d?.text ?? 'exception'} ${d?.exception?.description ?? ''}`.trim());
      },
      sessionId,
    );
  }

  send<T = Json>(method: string, params: Json = {}): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId);
  }

  /** Loads `url` and waits for its load event. */
  async navigate(url: string, timeoutMs = 15_000): Promise<void> {
    const loaded = this.cdp.waitFor('Page.loadEventFired', { sessionId: this.sessionId, timeoutMs });
    const r = await this.send<{ errorText?: string }>('Page.navigate', { url });
    if (r.errorText !== undefined) throw new Error(`navigate ${url}: ${r.errorText}`);
    await loaded;
  }

  /**
   * Evaluates `expression` in the page (awaiting a promise it returns) and returns its value as
   * JSON; throws with the page's exception.
   */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send<EvaluateResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: true });
    if (r.exceptionDetails !== undefined) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}\n  in: ${expression.slice(0, 300)}`);
    return r.result.value as T;
  }

  /** Polls `expression` until it yields something other than null/undefined/false. */
  async waitUntil<T = unknown>(what: string, expression: string, timeoutMs = 10_000, everyMs = 50): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      last = await this.evaluate<unknown>(expression);
      if (last !== null && last !== undefined && last !== false) return last as T;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last value ${JSON.stringify(last)})\npage errors: ${this.errors.join('\n') || 'none'}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** A real mouse click (pressed and released) at the middle of the first element matching `selector`. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (e === null) return null; e.scrollIntoView({ block: 'nearest' }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
    );
    if (box === null) throw new Error(`click: nothing matches ${selector}`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: type === 'mouseMoved' ? 0 : 1 });
    }
  }

  /** A key press (keyDown and keyUp) sent to the focused element, as a keyboard would. */
  async press(key: string): Promise<void> {
    const codes: Record<string, number> = { Enter: 13, ArrowDown: 40, ArrowUp: 38, Tab: 9, Escape: 27, ' ': 32 };
    const code = codes[key] ?? 0;
    const text = key === 'Enter' ? '\r' : key === ' ' ? ' ' : undefined;
    await this.send('Input.dispatchKeyEvent', { type: text === undefined ? 'rawKeyDown' : 'keyDown', key, windowsVirtualKeyCode: code, ...(text === undefined ? {} : { text }) });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, windowsVirtualKeyCode: code });
  }

  /** Text typed into the focused element (one input event). */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const r = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined);
  }
}

/** `promise`, or `onTimeout()` after `ms`; the timer never outlives the race. */
async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => Promise.resolve().then(onTimeout).then(resolve, reject), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Browser {
  readonly cdp: CdpConnection;
  readonly process: ChildProcess;
  /** The browser's own stderr, for diagnostics (last 8 kB). */
  stderr(): string;
  /** A new tab at `url` (loaded), with a viewport of `width` × `height`. */
  newPage(url: string, o?: { width?: number; height?: number }): Promise<Page>;
  /** Browser.close, then the process group by PID if it is still there; removes the profile. */
  close(): Promise<void>;
}

/**
 * Starts headless chromium on a pipe. `prefix` runs it through another command that execs it
 * (`ip netns exec NS`), so the browser sees that network namespace's loopback.
 */
export async function launchChromium(o: { executable?: string; prefix?: readonly string[]; extraArgs?: readonly string[] } = {}): Promise<Browser> {
  const executable = o.executable ?? chromiumPath();
  if (executable === null) throw new Error('chromium is not installed (Debian package chromium)');
  const profile = mkdtempSync(join(tmpdir(), 'cdp-profile-'));
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=Translate,MediaRouter',
    '--mute-audio',
    ...(o.extraArgs ?? []),
    'about:blank',
  ];
  const [cmd, ...cmdArgs] = [...(o.prefix ?? []), executable, ...args];
  // detached: its own process group, so close() can end the browser and its helpers by PID.
  const child = spawn(cmd!, cmdArgs, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
  const cdp = new CdpConnection(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (child.exitCode === null && child.signalCode === null) {
      await within(cdp.send('Browser.close').catch(() => undefined), 2000, () => undefined);
      const gone = await within(exited.then(() => true), 3000, () => false);
      if (!gone) {
        killGroup('SIGKILL');
        await exited;
      }
    }
    // Helpers (zygote, GPU, renderers) share the group; none may outlive the test.
    killGroup('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };

  try {
    const answered = Promise.race([
      cdp.send<{ product: string }>('Browser.getVersion'),
      exited.then(() => Promise.reject(new Error(`chromium exited (${child.exitCode ?? child.signalCode}) before answering:\n${stderr}`))),
    ]);
    const version = await within(answered, 30_000, () => {
      throw new Error(`chromium did not answer on the CDP pipe within 30 s:\n${stderr}`);
    });
    if (typeof version.product !== 'string') throw new Error('Browser.getVersion: no product');
  } catch (e) {
    await close();
    throw e;
  }

  const newPage = async (url: string, p: { width?: number; height?: number } = {}): Promise<Page> => {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(cdp, targetId, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width: p.width ?? 1400, height: p.height ?? 1000, deviceScaleFactor: 1, mobile: false });
    await page.navigate(url);
    return page;
  };

  return { cdp, process: child, stderr: () => stderr, newPage, close };
}
