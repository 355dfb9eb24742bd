// Check results, the blocked-request table, figures and the summary line.

/** @typedef {{browser: string, name: string, ok: boolean, detail: string, ms: number}} Result */
/** @typedef {{browser: string, check: string, host: string, requests: number}} Reach */

export class Report {
  constructor() {
    /** @type {Result[]} */ this.results = [];
    /** @type {Reach[]} */ this.reach = [];
    /** @type {{browser: string, name: string, reason: string}[]} */ this.skipped = [];
    /** @type {Record<string, Record<string, unknown>>} */ this.figures = {};
  }

  /** Runs one check and prints its line; a throw is a failure with its message.
   * @param {string} browser @param {string} name @param {() => Promise<string | void>} fn */
  async check(browser, name, fn, timeoutMs = 40_000) {
    const t0 = performance.now();
    let ok = true;
    let detail = '';
    /** @type {any} */
    let timer;
    try {
      const limit = new Promise((_, no) => { timer = setTimeout(() => no(new Error(`check timed out after ${timeoutMs} ms`)), timeoutMs); });
      detail = (await Promise.race([fn(), limit])) ?? '';
    } catch (e) {
      ok = false;
      detail = String(/** @type {Error} */ (e)?.message ?? e).split('\n')[0];
    } finally {
      clearTimeout(timer);
    }
    const ms = Math.round(performance.now() - t0);
    this.results.push({ browser, name, ok, detail, ms });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${browser.padEnd(8)} ${name}${detail ? ` — ${detail}` : ''} (${ms} ms)`);
    return ok;
  }

  /** A check that cannot run here, with the reason (counted neither way).
   * @param {string} browser @param {string} name @param {string} reason */
  skip(browser, name, reason) {
    this.skipped.push({ browser, name, reason });
    console.log(`skip ${browser.padEnd(8)} ${name} — ${reason}`);
  }

  /** @param {string} browser @param {string} check @param {string} host @param {number} requests */
  reached(browser, check, host, requests) {
    this.reach.push({ browser, check, host, requests });
  }

  /** @param {string} browser @param {string} key @param {unknown} value */
  figure(browser, key, value) {
    (this.figures[browser] ??= {})[key] = value;
  }

  printTables() {
    if (this.reach.length) {
      const browsers = [...new Set(this.reach.map((r) => r.browser))];
      const checks = [...new Set(this.reach.map((r) => `${r.check}\u0000${r.host}`))];
      console.log('\nRequests that reached the test server for blocked hosts (0 = stopped inside the browser; summed over a browser\'s sessions):');
      console.log(`${'check'.padEnd(36)} ${'host'.padEnd(32)} ${browsers.map((b) => b.padStart(9)).join('')}`);
      for (const key of checks) {
        const [check, host] = key.split('\u0000');
        const cells = browsers.map((b) => {
          const r = this.reach.filter((x) => x.browser === b && x.check === check && x.host === host);
          return (r.length ? String(r.reduce((n, x) => n + x.requests, 0)) : '–').padStart(9);
        });
        console.log(`${check.padEnd(36)} ${host.padEnd(32)} ${cells.join('')}`);
      }
      const totals = browsers.map((b) => String(this.reach.filter((x) => x.browser === b).reduce((n, x) => n + x.requests, 0)).padStart(9));
      console.log(`${'total'.padEnd(36)} ${''.padEnd(32)} ${totals.join('')}`);
    }
    for (const [browser, f] of Object.entries(this.figures)) {
      console.log(`\n${browser}: ${Object.entries(f).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; ')}`);
    }
  }

  /** Prints `N passed, M failed` and returns M. */
  summary() {
    const passed = this.results.filter((r) => r.ok).length;
    const failed = this.results.length - passed;
    if (failed) {
      console.log('\nFailed:');
      for (const r of this.results.filter((x) => !x.ok)) console.log(`  ${r.browser} ${r.name} — ${r.detail}`);
    }
    if (this.skipped.length) console.log(`(${this.skipped.length} skipped, with reasons above)`);
    console.log(`\n${passed} passed, ${failed} failed`);
    return failed;
  }
}
