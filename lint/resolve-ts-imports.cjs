// An import resolver (eslint-module-utils interface 2) for this repository's ESM TypeScript:
// `./x.js` in a .ts file means ./x.ts (NodeNext), which the plain node resolver cannot see.
// Node's built-ins resolve to "core" (path null); packages resolve through Node's own algorithm.
// Kept here, a few lines, rather than a resolver package with a native binary per platform.
'use strict'
const { existsSync, statSync } = require('node:fs')
const { builtinModules, createRequire } = require('node:module')
const { dirname, resolve } = require('node:path')

const isFile = (p) => existsSync(p) && statSync(p).isFile()

exports.interfaceVersion = 2
exports.resolve = function resolveImport(source, file) {
  const bare = source.replace(/^node:/, '')
  if (source.startsWith('node:') || builtinModules.includes(bare)) return { found: true, path: null }
  if (source.startsWith('.') || source.startsWith('/')) {
    const target = resolve(dirname(file), source)
    const candidates = [target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target, `${target}.ts`, resolve(target, 'index.ts')]
    const found = candidates.find(isFile)
    return found ? { found: true, path: found } : { found: false }
  }
  try {
    return { found: true, path: createRequire(file).resolve(source) }
  } catch {
    return { found: false }
  }
}
