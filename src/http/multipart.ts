// File uploads from the pages' forms (enctype="multipart/form-data", RFC 7578), read with
// @fastify/multipart as the officer's incident upload is: the uploads here are small text files
// (a term-dates ICS or JSON, a CSV of Key Adults) read whole, with their text fields beside them.
// A form sent URL-encoded (its text pasted, or a program's request) is read as it is. What cannot
// be read is a problem for the form's file field, never a 5xx.
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'

export interface UploadForm {
  /** Text fields (the first value of a repeated name counts). */
  fields: Record<string, string>
  /** The file chosen, as UTF-8 text; null when none was (browsers send an empty part). */
  file: { filename: string; text: string } | null
  /** Why the file could not be taken, worded for the form; null when it could. */
  problem: string | null
}

/** Adds the multipart reader to the scope it is called in (one page plugin). */
export async function acceptUploads(app: FastifyInstance, maxFileBytes: number): Promise<void> {
  await app.register(multipart, { limits: { files: 1, fileSize: maxFileBytes, fields: 10, parts: 12, fieldSize: maxFileBytes } })
}

const textFields = (body: unknown): Record<string, string> =>
  typeof body === 'object' && body !== null
    ? Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {}

/** Reads an upload form whole: its text fields and its one file. */
export async function readUploadForm(request: FastifyRequest, maxFileBytes: number): Promise<UploadForm> {
  if (!request.isMultipart()) return { fields: textFields(request.body), file: null, problem: null }
  const fields: Record<string, string> = {}
  let file: UploadForm['file'] = null
  let problem: string | null = null
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer()
        if (part.file.truncated) problem = `The file must be smaller than ${Math.round(maxFileBytes / 1024 / 1024)} MB`
        else if (bytes.length > 0) {
          try {
            file = { filename: part.filename ?? '', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
          } catch {
            problem = 'The file must be saved as UTF-8 text (in Excel: Save as, CSV UTF-8)'
          }
        } else if (part.filename) problem = 'The selected file is empty'
      } else if (!(part.fieldname in fields)) {
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value ?? '')
      }
    }
  } catch (err) {
    // Too large, too many parts, or not multipart at all once read.
    const code = (err as { code?: string }).code ?? ''
    problem = code === 'FST_REQ_FILE_TOO_LARGE' ? `The file must be smaller than ${Math.round(maxFileBytes / 1024 / 1024)} MB` : 'The upload could not be read: choose the file and send the form again'
  }
  return { fields, file, problem }
}
