// File uploads from the pages' forms (enctype="multipart/form-data", RFC 7578) without a
// dependency: the uploads here are small text files (a term-dates ICS or JSON, a CSV of Key
// Adults) read whole within the route's body limit, so a buffer split on the boundary will do.
// Text fields come back as strings, as the URL-encoded parser gives them (the first value of a
// repeated name counts); each file as { filename, text } (UTF-8). A body that is not well-formed
// multipart is a 400, as any unreadable body is.
import type { FastifyInstance } from 'fastify'
import { HttpProblem } from './problem.js'

export interface UploadedFile {
  filename: string
  text: string
}

export type MultipartBody = Record<string, string | UploadedFile>

const badBody = (why: string) => new HttpProblem(400, 'Bad Request', `the form upload could not be read: ${why}`)

function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType)
  const b = m?.[1] ?? m?.[2]
  if (!b) throw badBody('no boundary')
  return b
}

function dispositionOf(headers: string): { name: string; filename: string | null } {
  const line = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h))
  const name = line && /;\s*name="([^"]*)"/i.exec(line)?.[1]
  if (!line || name === undefined || name === null) throw badBody('a part has no name')
  const filename = /;\s*filename="([^"]*)"/i.exec(line)?.[1] ?? null
  return { name, filename }
}

/** Parses a whole multipart/form-data body. */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`)
  const out: MultipartBody = {}
  let at = body.indexOf(delimiter)
  if (at < 0) throw badBody('no parts')
  for (;;) {
    const afterDelimiter = at + delimiter.length
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return out
    const headersStart = afterDelimiter + 2 // past CRLF
    const headersEnd = body.indexOf('\r\n\r\n', headersStart)
    if (headersEnd < 0) throw badBody('a part has no end to its headers')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd)
    if (next < 0) throw badBody('the last part is not closed')
    const { name, filename } = dispositionOf(body.subarray(headersStart, headersEnd).toString('utf8'))
    const content = body.subarray(headersEnd + 4, next).toString('utf8')
    if (!(name in out)) out[name] = filename === null ? content : { filename, text: content }
    at = next + 2
  }
}

/** Adds the multipart/form-data parser to the scope it is called in (one page plugin). */
export function acceptUploads(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, request.headers['content-type'] ?? ''))
    } catch (err) {
      done(err as Error, undefined)
    }
  })
}

/** One uploaded file of a form body; null when none was chosen (browsers send an empty file part). */
export function uploadedFile(body: unknown, name: string): UploadedFile | null {
  if (typeof body !== 'object' || body === null) return null
  const v = (body as Record<string, unknown>)[name]
  if (typeof v !== 'object' || v === null) return null
  const f = v as UploadedFile
  return f.filename === '' && f.text === '' ? null : f
}
