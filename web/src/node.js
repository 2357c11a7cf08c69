// Node built-ins are imported through this function only: the specifier is a
// variable, so bundlers (Vite, webpack) building for browsers leave it alone
// instead of warning about or stubbing node: modules that only run in Node.

/** @param {string} name e.g. 'node:fs/promises' */
export function importNode(name) {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name);
}
