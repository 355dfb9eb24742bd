// For the unit tests: loads the worker's modules in Node with a stand-in for
// the WASM engine: every import of `…/wasm/lachan.js` resolves to the module source given.
import { register } from 'node:module';

const HOOKS = `let stub;
export function initialize(data) { stub = data.stub; }
export async function resolve(specifier, context, next) {
  return specifier.endsWith('/wasm/lachan.js') ? { url: stub, shortCircuit: true } : next(specifier, context);
}`;
const dataUrl = (/** @type {string} */ src) => `data:text/javascript,${encodeURIComponent(src)}`;

/** Call before importing any module that imports the engine.
 * @param {string} source the stand-in module (exports `Engine`, `default`, …) */
export function stubWasm(source) {
  register(dataUrl(HOOKS), { data: { stub: dataUrl(source) } });
}
