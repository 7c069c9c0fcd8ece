// A local stand-in for GOV.UK Notify's API (the real one cannot be reached from here), answering as
// its documentation says: POST /v2/notifications/email → 201 with the notification's id, or one of
// the documented errors (400 BadRequestError/ValidationError, 403 AuthError, 429 RateLimitError/
// TooManyRequestsError, 500 Exception) in Notify's error body {"status_code":…,"errors":[…]};
// GET /v2/template/{id} → 200. Every request must carry Notify's bearer token as its client makes
// it: a JWT (HS256) whose iss is the service id, iat within 30 seconds, signed with the key's secret.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import http from 'node:http'

export const NOTIFY_SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506'
export const NOTIFY_SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0'
export const NOTIFY_API_KEY = `encompass_test-${NOTIFY_SERVICE_ID}-${NOTIFY_SECRET}`

/** A template id per kind and language, as a deployment's NOTIFY_TEMPLATE_IDS gives them. */
export const TEMPLATE_IDS = {
  notification: { en: 'a1b2c3d4-0000-4000-8000-000000000001', cy: 'a1b2c3d4-0000-4000-8000-000000000101' },
  deputies: { en: 'a1b2c3d4-0000-4000-8000-000000000002', cy: 'a1b2c3d4-0000-4000-8000-000000000102' },
  reminder: { en: 'a1b2c3d4-0000-4000-8000-000000000003', cy: 'a1b2c3d4-0000-4000-8000-000000000103' },
  desk: { en: 'a1b2c3d4-0000-4000-8000-000000000004', cy: 'a1b2c3d4-0000-4000-8000-000000000104' },
  'sign-in': { en: 'a1b2c3d4-0000-4000-8000-000000000005' },
  alert: { en: 'a1b2c3d4-0000-4000-8000-000000000006' },
}

/** Notify's documented errors for sending an e-mail, by name. */
export const NOTIFY_ERRORS = {
  trialMode: { status: 400, error: 'BadRequestError', message: "Can't send to this recipient when service is in trial mode - see https://www.notifications.service.gov.uk/trial-mode" },
  teamOnly: { status: 400, error: 'BadRequestError', message: "Can't send to this recipient using a team-only API key" },
  badAddress: { status: 400, error: 'ValidationError', message: 'email_address Not a valid email address' },
  clock: { status: 403, error: 'AuthError', message: 'Error: Your system clock must be accurate to within 30 seconds' },
  badKey: { status: 403, error: 'AuthError', message: 'Invalid token: API key not found' },
  rateLimit: { status: 429, error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds' },
  dailyLimit: { status: 429, error: 'TooManyRequestsError', message: 'Exceeded send limits (50) for today' },
  serverError: { status: 500, error: 'Exception', message: 'Internal server error' },
} as const

export interface NotifyAnswer {
  status: number
  error: string
  message: string
  /** Sent as a Retry-After header (seconds) when set. */
  retryAfter?: number
}

export interface NotifyRequest {
  method: string
  path: string
  /** The bearer token's claims, when it verified; null when it did not. */
  token: { iss: string; iat: number } | null
  userAgent: string | undefined
  raw: string
  body: { email_address?: string; template_id?: string; personalisation?: Record<string, unknown>; reference?: string } | null
  /** What the fake answered. */
  status: number
  /** The notification id it gave, on 201. */
  id: string | null
  /** When it arrived (ms since the epoch). */
  at: number
}

const b64url = (b: Buffer) => b.toString('base64url')

/** Checks the bearer token as Notify does; the reason it fails, or its claims. */
export function checkNotifyToken(header: string | undefined, now = Date.now()): { iss: string; iat: number } | string {
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header ?? '')
  if (!m) return 'Unauthorized: authentication token must be provided'
  const [, h, p, sig] = m as unknown as [string, string, string, string]
  const head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; typ?: string }
  if (head.alg !== 'HS256' || head.typ !== 'JWT') return 'Invalid token: algorithm used is not HS256'
  const want = Buffer.from(b64url(createHmac('sha256', NOTIFY_SECRET).update(`${h}.${p}`).digest()))
  if (want.length !== Buffer.byteLength(sig) || !timingSafeEqual(want, Buffer.from(sig))) return 'Invalid token: signature, api token not found'
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: string; iat?: number }
  if (claims.iss !== NOTIFY_SERVICE_ID) return 'Invalid token: service not found'
  if (typeof claims.iat !== 'number' || Math.abs(now / 1000 - claims.iat) > 30) return 'Error: Your system clock must be accurate to within 30 seconds'
  return { iss: claims.iss, iat: claims.iat }
}

export class FakeNotify {
  readonly requests: NotifyRequest[] = []
  /** Answers for the next sends, in order; when empty, 201. */
  readonly next: NotifyAnswer[] = []
  /** Addresses that get this answer every time (a team-only key, trial mode). */
  readonly refuse = new Map<string, NotifyAnswer>()
  port = 0
  private server = http.createServer((req, res) => void this.handle(req, res))

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as { port: number }).port
    return this
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** The e-mail sends Notify accepted. */
  get accepted(): NotifyRequest[] {
    return this.requests.filter((r) => r.path === '/v2/notifications/email' && r.status === 201)
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const path = (req.url ?? '').split('?')[0]!
    const token = checkNotifyToken(req.headers.authorization)
    let body: NotifyRequest['body'] = null
    try {
      body = raw ? (JSON.parse(raw) as NotifyRequest['body']) : null
    } catch {
      body = null
    }
    const record: NotifyRequest = { method: req.method ?? '', path, token: typeof token === 'string' ? null : token, userAgent: req.headers['user-agent'], raw, body, status: 0, id: null, at: Date.now() }
    this.requests.push(record)
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(payload))
    }
    const error = (a: NotifyAnswer) =>
      answer(a.status, { status_code: a.status, errors: [{ error: a.error, message: a.message }] }, a.retryAfter !== undefined ? { 'retry-after': String(a.retryAfter) } : {})

    if (typeof token === 'string') return error({ status: 403, error: 'AuthError', message: token })
    const template = /^\/v2\/template\/([0-9a-f-]{36})$/.exec(path)
    if (req.method === 'GET' && template) {
      return answer(200, { id: template[1], name: 'Operation Encompass', type: 'email', created_at: new Date().toISOString(), updated_at: null, created_by: 'someone@example.gov.uk', version: 1, body: '((body))', subject: '((subject))' })
    }
    if (req.method !== 'POST' || path !== '/v2/notifications/email') return error({ status: 404, error: 'NotFound', message: 'Not found' })
    const address = String(body?.email_address ?? '')
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return error(NOTIFY_ERRORS.badAddress)
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(body?.template_id ?? ''))) {
      return error({ status: 400, error: 'ValidationError', message: 'template_id is not a valid UUID' })
    }
    const missing = ['subject', 'body', 'link'].filter((k) => typeof body?.personalisation?.[k] !== 'string')
    if (missing.length) return error({ status: 400, error: 'BadRequestError', message: `Missing personalisation: ${missing.join(', ')}` })
    const refused = this.refuse.get(address.toLowerCase())
    if (refused) return error(refused)
    const planned = this.next.shift()
    if (planned) return error(planned)
    const id = randomUUID()
    record.id = id
    return answer(201, {
      id,
      reference: body?.reference ?? null,
      content: { subject: body!.personalisation!.subject, body: body!.personalisation!.body, from_email: 'operation.encompass@notifications.service.gov.uk' },
      uri: `${this.url}/v2/notifications/${id}`,
      template: { id: body!.template_id, version: 1, uri: `${this.url}/services/${NOTIFY_SERVICE_ID}/templates/${body!.template_id}` },
    })
  }
}

/** The settings a deployment that sends through this fake would have. */
export function notifyEnv(fake: FakeNotify): Record<string, string> {
  return { MAIL_TRANSPORT: 'notify', NOTIFY_API_KEY, NOTIFY_BASE_URL: fake.url, NOTIFY_TEMPLATE_IDS: JSON.stringify(TEMPLATE_IDS) }
}
