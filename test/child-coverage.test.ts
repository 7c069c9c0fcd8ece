// The child-process environments record no coverage: tap's process tracking re-adds its variables
// to every spawned process, and a child's coverage of src/ (compiled by tsx, not ts-node) spoils the
// merged report for whole files (see NO_CHILD_COVERAGE in test/helpers/procs.ts).
import { spawnSync } from 'node:child_process'
import t from 'tap'
import { childEnv, serviceEnv } from './helpers/procs.js'

const seenByChild = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.env._TAPJS_PROCESSINFO_COVERAGE_))'], { env, encoding: 'utf8' })
    .stdout

t.test('a child started with childEnv has coverage switched off, whatever tap adds to its environment', async (t) => {
  t.equal(seenByChild(childEnv()), '0')
  t.equal(seenByChild(childEnv({ LOG_LEVEL: 'warn' })), '0')
})

t.test('a service process started with serviceEnv has coverage switched off', async (t) => {
  t.equal(seenByChild(serviceEnv({ PORT: '0' })), '0')
})
