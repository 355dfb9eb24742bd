// The content scripts: ES modules under src/content/ bundled by esbuild into
// one classic script (an IIFE) per entry, since a content script cannot be a
// module. One entry per `run_at` of manifest/base.json5's content_scripts,
// and the image check that background/images.js registers at run time.
import { build } from 'esbuild';
import { join } from 'node:path';

/** Package file (without .js) → its entry module under src/. */
export const CONTENT_ENTRIES = Object.freeze({
  // document_start, every frame: the navigation guard (a no-op on Firefox).
  'content/start': 'content/guard.js',
  // document_idle, every frame: page text, posts, the typing guard, the shield.
  'content/idle': 'content/page.js',
  // document_start, every frame, registered only when the bundle has image hashes.
  'content/images': 'content/images.js',
});

/** The browsers the package supports (manifest/chromium.json minimum_chrome_version,
 * manifest/firefox.json strict_min_version). */
const TARGET = ['chrome120', 'firefox142'];

/**
 * Bundles every entry into `outDir` (content/start.js, …); returns each
 * written file with its size in bytes.
 * @param {{src: string, outDir: string}} o src: extension/src
 * @returns {Promise<{file: string, bytes: number}[]>}
 */
export async function bundleContent({ src, outDir }) {
  const result = await build({
    entryPoints: Object.entries(CONTENT_ENTRIES).map(([out, entry]) => ({ in: join(src, entry), out })),
    outdir: outDir,
    bundle: true,
    format: 'iife',
    target: TARGET,
    // Readable in the package (store reviewers read it); nothing is minified.
    minify: false,
    charset: 'utf8',
    legalComments: 'inline',
    logLevel: 'silent',
    metafile: true,
    write: true,
  });
  if (result.warnings.length) {
    throw new Error(`content scripts: ${result.warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''}: ${w.text}`).join('; ')}`);
  }
  return Object.entries(result.metafile.outputs).map(([file, o]) => ({ file, bytes: o.bytes }));
}
