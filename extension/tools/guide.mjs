// The setup guide page (src/guide/guide.html) from the guide in docs/guide/
// (vi.md, en.md): build.mjs replaces `<!-- guide: vi -->` and `<!-- guide: en -->`
// with each language's text as an <article lang>. The Markdown is the small
// subset those files use: # headings, paragraphs, - and 1. lists, ``` code,
// | tables |, `code` and **bold**. Everything is HTML-escaped first. Code
// blocks and tables scroll sideways, so they take the keyboard focus too.

/** @param {string} s */
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline `code` and **bold**. @param {string} s */
const inline = (s) => escape(s)
  .replace(/`([^`]+)`/g, '<code>$1</code>')
  .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** @param {string} row */
const cells = (row) => row.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());

/**
 * @param {string} md the guide's Markdown
 * @returns {string} HTML
 */
export function renderGuide(md) {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  /** @type {string[]} */
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const heading = line.match(/^(#{1,3}) (.+)$/);
    if (!line.trim()) { i++; continue; }
    if (heading) {
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
      i++;
    } else if (line.startsWith('```')) {
      const body = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      i++;
      out.push(`<pre tabindex="0"><code>${escape(body.join('\n'))}</code></pre>`);
    } else if (line.startsWith('|')) {
      const rows = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(cells(lines[i]));
      const [head, , ...body] = rows;
      out.push(`<div class="guide-scroll" tabindex="0"><table><thead><tr>${head.map((c) => `<th scope="col">${inline(c)}</th>`).join('')}</tr></thead>`
        + `<tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`);
    } else if (/^(- |\d+\. )/.test(line)) {
      const ordered = /^\d+\. /.test(line);
      const items = [];
      for (; i < lines.length && /^(- |\d+\. )/.test(lines[i]); i++) items.push(lines[i].replace(/^(- |\d+\. )/, ''));
      const tag = ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${items.map((it) => `<li>${inline(it)}</li>`).join('')}</${tag}>`);
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() && !/^(#|```|\||- |\d+\. )/.test(lines[i]); i++) para.push(lines[i].trim());
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

/**
 * The guide page with both languages in place of its markers.
 * @param {string} html the page source @param {Record<string, string>} guides language -> Markdown
 */
export function expandGuide(html, guides) {
  return html.replace(/^([ \t]*)<!-- guide: ([a-z]+) -->$/gm, (_, indent, lang) => {
    if (!(lang in guides)) throw new Error(`guide.html: no guide for "${lang}"`);
    return `${indent}<article class="card guide" lang="${lang}" data-testid="guide-${lang}" hidden>\n${renderGuide(guides[lang])}\n${indent}</article>`;
  });
}
