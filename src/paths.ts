// The project root holds migrations/ and data/. Source runs from src/, the build from dist/src/:
// walk up from this file to the nearest package.json so both find the same folders.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(start: string): string {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${start}`)
    dir = parent
  }
}

const here = dirname(fileURLToPath(import.meta.url))
export const projectRoot = findRoot(here)
export const migrationsDir = join(projectRoot, 'migrations')
export const dataDir = join(projectRoot, 'data')
export const localStateDir = join(projectRoot, '.data')
// The pages' templates and our own CSS live beside the code that uses them: src/http when run from
// source, dist/src/http in the build (`npm run build` copies them there).
export const viewsDir = join(here, 'http', 'views')
export const pageAssetsDir = join(here, 'http', 'assets')
