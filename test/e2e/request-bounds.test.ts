// Bounds on what a caller can make the service hold or write: a request must arrive whole within
// REQUEST_TIMEOUT_MS (a slow-loris client is cut off), and a caller's X-Request-Id reaches the
// logs and the audit trail only when it is short and plain.
import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: { authorization: `Bearer ${admin}` }, payload: aSchool() })

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function auditedRequestIds(): Promise<string[]> {
  const { rows } = await h.services.db.query<{ id: string }>(
    "SELECT a.detail->>'requestId' AS id FROM audit_log a WHERE a.action = 'notifications.list' ORDER BY a.id")
  return rows.map((r) => r.id)
}

t.test('a huge or control-character X-Request-Id never reaches the logs or the audit trail', async (t) => {
  const hostile = [
    'A'.repeat(10_000),
    `trace-${'b'.repeat(59)}`, // 65 characters: one too many
    'evil\u001b[31mRED\u001b[0m',
    'forged\r\n{"level":50,"msg":"injected"}',
    'spaces are not allowed',
    '',
  ]
  const before = (await auditedRequestIds()).length
  for (const id of hostile) {
    const res = await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: { authorization: `Bearer ${admin}`, 'x-request-id': id } })
    t.equal(res.statusCode, 200)
  }
  const ids = (await auditedRequestIds()).slice(before)
  t.equal(ids.length, hostile.length)
  for (const id of ids) t.match(id, UUID, 'a fresh id in its place')
  for (const marker of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'RED', '\u001b', 'injected', 'spaces are not']) {
    t.notOk(h.logs.text.includes(marker), `the logs hold no ${JSON.stringify(marker.slice(0, 12))}`)
  }
  const { rows } = await h.services.db.query("SELECT count(*)::int AS n FROM audit_log WHERE detail::text ~ '(AAAAAAAAAA|RED|injected)'")
  t.equal(rows[0].n, 0, 'nor does any audit row')
})

t.test('a short, plain X-Request-Id is kept, to tie our records to the caller’s', async (t) => {
  const id = 'force-gw:2026-11-20.0042_A'
  const res = await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: { authorization: `Bearer ${admin}`, 'x-request-id': id } })
  t.equal(res.statusCode, 200)
  t.equal((await auditedRequestIds()).at(-1), id)
  t.ok(h.logs.lines.some((l) => JSON.parse(l).reqId === id), 'and logged')
  const bare = await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: { authorization: `Bearer ${admin}` } })
  t.equal(bare.statusCode, 200)
  t.match((await auditedRequestIds()).at(-1), UUID, 'with none given, a fresh one')
})

/** Opens a connection, sends `head`, then trickles `trickle` a byte every 100 ms; resolves with what the server answered once it closes. */
function slowClient(port: number, head: string, trickle: string): Promise<{ closedByServer: boolean; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    socket.on('data', (d) => (answer += d.toString('utf8')))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ closedByServer: sent < trickle.length, answer })
    })
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        // The whole trickle lasts ten times REQUEST_TIMEOUT_MS; a server that waits for it all has no limit.
        if (sent === trickle.length) return socket.destroy()
        socket.write(trickle[sent++]!)
      }, 100)
    })
  })
}

t.test('a slow-loris request is cut off with 408, and nothing it sent is stored', async (t) => {
  const app = await buildApp({ ...h.services, config: { ...h.services.config, REQUEST_TIMEOUT_MS: 1_000 } })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const body = JSON.stringify(anIncident())

  const slowBody = await slowClient(
    port,
    `POST /v1/incidents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${police}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body.slice(0, 100),
  )
  t.ok(slowBody.closedByServer, 'the server closed the connection while the body was still trickling in')
  t.match(slowBody.answer, /^HTTP\/1\.1 408/, 'with 408 Request Timeout')

  const slowHeaders = await slowClient(port, 'GET /v1/notifications HTTP/1.1\r\nHost: localhost\r\n', `X-Padding: ${'p'.repeat(100)}`)
  t.ok(slowHeaders.closedByServer, 'headers trickled in are cut off too')

  const { rows } = await h.services.db.query('SELECT count(*)::int AS n FROM incidents')
  t.equal(rows[0].n, 0, 'nothing stored')
})

t.test('timeouts are settings with defaults', async (t) => {
  const { loadConfig } = await import('../../src/config.js')
  const c = loadConfig({})
  t.same([c.REQUEST_TIMEOUT_MS, c.KEEP_ALIVE_TIMEOUT_MS, c.CONNECTION_TIMEOUT_MS], [30_000, 72_000, 120_000])
  t.equal(h.app.server.requestTimeout, h.services.config.REQUEST_TIMEOUT_MS, 'the server is given them')
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }), /REQUEST_TIMEOUT_MS/)
})
