// The markup every extension page shares, written once and expanded by
// build.mjs when it places a page at the extension root:
//   <!-- include: head -->            charset, viewport, no referrer, title
//   <!-- include: brand <key?> -->    the shield and name, with the tagline
//                                     message <key> (none: the name alone)
// An unknown include fails the build, naming the file.

const HEAD = [
  '<meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  // Pages shown in frames and after a redirect must not leak the address.
  '<meta name="referrer" content="no-referrer">',
  '<title>Lá Chắn</title>',
];

/** @param {string | undefined} tagline a message key, or none */
function brand(tagline) {
  const name = '<strong data-i18n="brand">Lá Chắn</strong>';
  return [
    '<header class="brand">',
    '  <span class="logo" aria-hidden="true">🛡️</span>',
    `  <p>${tagline ? `${name} <span data-i18n="${tagline}"></span>` : name}</p>`,
    '</header>',
  ];
}

/**
 * Expands the includes of one page, keeping each include's indentation.
 * @param {string} html @param {string} file for error messages
 */
export function expandIncludes(html, file) {
  return html.replace(/^([ \t]*)<!-- include: ([a-z]+)(?: ([A-Za-z0-9_]+))? -->$/gm, (_, indent, name, arg) => {
    let lines;
    if (name === 'head' && !arg) lines = HEAD;
    else if (name === 'brand') lines = brand(arg);
    else throw new Error(`${file}: unknown include "${name}${arg ? ` ${arg}` : ''}" (known: head, brand <tagline key>)`);
    return lines.map((l) => `${indent}${l}`).join('\n');
  });
}
