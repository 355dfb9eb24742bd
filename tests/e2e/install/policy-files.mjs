// Policy files under /etc for the install e2e: every file already in a
// folder we write to is moved aside first (another policy there, e.g. a
// blocklist, would change what the browser does), ours are written with
// write-then-rename, and at the end (finally, SIGINT/SIGTERM, exit) ours are
// removed and the originals put back. A backup left by a killed run is put
// back at the next start.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** @param {string} backupDir where originals wait (one subfolder per policy folder) */
export function policyFiles(backupDir) {
  /** policy folder → its backup folder, for the folders this run touched */
  const touched = new Map();
  /** @type {Set<string>} */
  const ours = new Set();
  /** @type {string[]} */
  const createdDirs = [];
  // The folders written to have no '_' in their paths: '/' ↔ '_' names the backup.
  const backupFor = (/** @type {string} */ dir) => join(backupDir, dir.replace(/\//g, '_'));

  /** Puts back what an interrupted run left. Returns the lines to log. */
  function recover() {
    const log = [];
    if (!existsSync(backupDir)) return log;
    for (const sub of readdirSync(backupDir)) {
      const dir = sub.replace(/_/g, '/');
      for (const name of readdirSync(join(backupDir, sub))) {
        const target = join(dir, name);
        if (existsSync(target)) unlinkSync(target); // ours, from the killed run
        renameSync(join(backupDir, sub, name), target);
        log.push(`recovered ${target} from an interrupted run`);
      }
      rmdirSync(join(backupDir, sub));
    }
    return log;
  }

  /** Moves every file of `dir` aside (once per folder). @param {string} dir */
  function clear(dir) {
    if (touched.has(dir)) return;
    let d = dir;
    /** @type {string[]} */
    const made = [];
    while (!existsSync(d)) { made.unshift(d); d = dirname(d); }
    for (const m of made) { mkdirSync(m); createdDirs.push(m); }
    const bak = backupFor(dir);
    mkdirSync(bak, { recursive: true });
    for (const name of readdirSync(dir)) renameSync(join(dir, name), join(bak, name));
    touched.set(dir, bak);
  }

  /** @param {string} file @param {any} doc */
  function write(file, doc) {
    clear(dirname(file));
    writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    ours.add(file);
  }

  /** Synchronous, so it also runs on signals and at exit. */
  function restore() {
    for (const f of ours) { for (const p of [f, `${f}.tmp`]) { try { unlinkSync(p); } catch { /* gone */ } } }
    ours.clear();
    for (const [dir, bak] of touched) {
      try {
        for (const name of readdirSync(bak)) renameSync(join(bak, name), join(dir, name));
        rmdirSync(bak);
      } catch (e) { console.error(`could not restore ${dir} from ${bak}: ${/** @type {Error} */ (e).message}`); }
    }
    touched.clear();
    for (const d of createdDirs.reverse()) { try { if (!readdirSync(d).length) rmdirSync(d); } catch { /* not empty */ } }
    createdDirs.length = 0;
  }
  return { recover, write, restore };
}
