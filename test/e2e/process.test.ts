// The real process, as an operator runs it: `main.ts all` starts on the given settings, serves
// health and readiness, delivers an incident's e-mail, and on SIGTERM finishes and exits 0.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import t from 'tap'
import { createToken } from '../../src/store/tokens-store.js'
import { aSchool, anIncident, createTestDatabase, TestSmtpServer, TEST_REDIS_URL } from '../helpers/harness.js'
import { childEnv } from '../helpers/procs.js'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const database = await createTestDatabase()
const smtp = await new TestSmtpServer().start()
t.teardown(async () => {
  await smtp.stop()
  await database.drop()
  const r = new Redis(TEST_REDIS_URL)
  const keys = await r.keys(`${prefix}:*`)
  if (keys.length > 0) await r.del(...keys)
  r.disconnect()
})
const port = await freePort()
const prefix = `enc-proc-${process.pid}-${port}`
const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
  env: childEnv({
    DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, SMTP_URL: smtp.url, PORT: String(port),
    HOST: '127.0.0.1', QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  }),
  stdio: ['ignore', 'pipe', 'pipe'],
})
let output = ''
child.stdout.on('data', (d) => (output += d))
child.stderr.on('data', (d) => (output += d))
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
t.teardown(() => {
  if (child.exitCode === null) child.kill('SIGKILL')
})
const base = `http://127.0.0.1:${port}`

t.test('starts, is ready, delivers, and stops cleanly on SIGTERM', async (t) => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200).catch(() => false)
    if (ok) break
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.match(output, /default in use: ACK_LINK_SECRET unset/, 'the log says which defaults are in use')
  const admin = (await createToken(database.db, { role: 'admin' })).secret
  const police = (await createToken(database.db, { role: 'police', forceCode: 'cleveland' })).secret
  const headers = (tok: string) => ({ authorization: `Bearer ${tok}`, 'content-type': 'application/json' })
  const put = await fetch(`${base}/v1/schools/111234`, { method: 'PUT', headers: headers(admin), body: JSON.stringify(aSchool()) })
  t.equal(put.status, 201)
  const post = await fetch(`${base}/v1/incidents`, { method: 'POST', headers: headers(police), body: JSON.stringify(anIncident()) })
  t.equal(post.status, 202)
  const [mail] = await smtp.waitFor(1, 20_000)
  t.match(mail!.parsed.text, /\/ack\//)
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'exit code 0')
  t.match(output, /stopped cleanly/)
})
