// A deliberately tiny TOML reader for lists/contacts.toml: `[table]`,
// `[[array-of-tables]]`, `key = "string" | true | false | number`, comments.
// Anything else is an error with the line number (use the Rust CLI's full
// TOML support for the list registry; this file only needs the subset).

/** @param {string} raw @param {number} n */
function parseValue(raw, n) {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  if (m) return JSON.parse(`"${m[1]}"`);
  throw new Error(`line ${n}: unsupported value ${raw} (use "text", true/false or a number)`);
}

/** Strips a trailing `# comment` outside double quotes. @param {string} line */
function stripComment(line) {
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && inStr) { i++; continue; }
    if (c === '"') inStr = !inStr;
    else if (c === '#' && !inStr) return line.slice(0, i);
  }
  return line;
}

/** @param {string} text @returns {Record<string, any>} */
export function parseToml(text) {
  /** @type {Record<string, any>} */ const root = {};
  /** @type {Record<string, any>} */ let cur = root;
  text.split(/\r?\n/).forEach((full, i) => {
    const n = i + 1;
    const line = stripComment(full).trim();
    if (!line) return;
    let m;
    if ((m = /^\[\[([A-Za-z0-9_-]+)\]\]$/.exec(line))) {
      const arr = (root[m[1]] ??= []);
      if (!Array.isArray(arr)) throw new Error(`line ${n}: ${m[1]} is already a table`);
      arr.push((cur = {}));
    } else if ((m = /^\[([A-Za-z0-9_-]+)\]$/.exec(line))) {
      if (m[1] in root) throw new Error(`line ${n}: table [${m[1]}] defined twice`);
      root[m[1]] = cur = {};
    } else if ((m = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line))) {
      if (m[1] in cur) throw new Error(`line ${n}: key ${m[1]} defined twice`);
      cur[m[1]] = parseValue(m[2].trim(), n);
    } else {
      throw new Error(`line ${n}: cannot read "${full.trim()}"`);
    }
  });
  return root;
}

/** Reads and checks lists/contacts.toml: every detail must name its source.
 * @param {string} text @param {string} file */
export function parseContacts(text, file) {
  let data;
  try { data = parseToml(text); } catch (e) { throw new Error(`${file}: ${/** @type {Error} */ (e).message}`); }
  const problems = [];
  if (!data.hotline?.tel || !data.hotline?.source) problems.push('[hotline] needs tel and source');
  for (const [i, c] of (data.channel ?? []).entries()) {
    if (!c.id || !c.name || typeof c.verified !== 'boolean' || !c.source) {
      problems.push(`[[channel]] #${i + 1} needs id, name, verified and source`);
    }
    if (c.verified && c.url && !/^https:\/\//.test(c.url)) problems.push(`channel ${c.id}: url must be https://`);
    if (!c.verified) c.url = ''; // unverified: never linked
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return data;
}
