// The officer's CSV upload of incidents: the form and its template (/incidents/upload), taking the
// file (a multipart form that works without JavaScript), and one upload's progress and outcome
// (/incidents/upload/{id}). The file is judged and received by a worker (flows/upload-incidents.ts)
// so that thousands of rows never hold a request open; the page shows rows done as it goes.
import multipart from '@fastify/multipart'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { z } from 'zod'
import { incidentCsvTemplate, INCIDENT_CSV_COLUMNS, MAX_CSV_ROWS } from '../../domain/incident-csv.js'
import { takeIncidentUpload } from '../../flows/upload-incidents.js'
import type { Services } from '../../services.js'
import { getUpload } from '../../store/uploads-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { formErrors } from '../forms.js'
import { notFound } from '../problem.js'

/** Largest file taken: 10,000 rows of a few hundred characters each, with room to spare. */
const MAX_FILE_BYTES = 8 * 1024 * 1024

const ABOUT: Record<(typeof INCIDENT_CSV_COLUMNS)[number], string> = {
  reference: 'Your force’s reference for the incident. Required. Rows with the same reference are one incident.',
  policeAwareAt: 'When the police became aware, with its offset, for example 2026-11-20T22:14:00Z. Required.',
  occurredAt: 'When the incident happened, in the same form. Optional.',
  incidentType: 'crime or non-crime. Required.',
  riskLevel: 'standard, medium, high or unknown. Optional.',
  summary: 'What the school needs to know. Optional; it is not sent by e-mail.',
  givenName: 'The child’s first name. Required.',
  familyName: 'The child’s last name. Required.',
  dateOfBirth: 'The child’s date of birth as YYYY-MM-DD. Required.',
  present: 'true if the child was present, false if not. Required.',
  role: 'The child’s role: present, witness, victim or suspect (for example, a child harming a parent). Optional.',
  schoolUrn: 'The setting’s URN (6 digits) or Ofsted URN (EY, SC or CH and 6 digits), if known.',
  schoolName: 'The setting’s name, if the URN is not known.',
  schoolPostcode: 'The setting’s postcode, if the URN is not known.',
  noSettingLa: 'Only for a child in no school, nursery or childminder: the 3-digit code of the local authority where the child lives (for example 808); leave the setting columns blank. Its health visiting (under 5) or children’s services are told. Optional column.',
}

export const incidentUploadRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    await app.register(multipart, { limits: { files: 1, fileSize: MAX_FILE_BYTES, fields: 5, parts: 6 } })

    const showForm = (reply: FastifyReply, problem?: string, status = 200) =>
      reply.page('incident-upload.njk', {
        pageTitle: 'Upload incidents',
        columns: INCIDENT_CSV_COLUMNS.map((name) => ({ name, about: ABOUT[name] })),
        maxRows: MAX_CSV_ROWS.toLocaleString('en-GB'),
        ...(problem ? { errors: formErrors([{ field: 'file', text: problem }]), byField: { file: { text: problem } } } : { byField: {} }),
      }, status)

    app.get('/incidents/upload', { config: { roles: ['police'] }, schema: { hide: true } }, async (_request, reply) => showForm(reply))

    app.get('/incidents/upload/template.csv', { config: { roles: ['police'] }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="incidents-template.csv"').send(incidentCsvTemplate()))

    app.post('/incidents/upload', { config: { roles: ['police'] }, schema: { hide: true } }, async (request, reply) => {
      const principal = caller(request)
      if (!request.isMultipart()) return showForm(reply, 'Select a CSV file', 400)
      const file = await request.file().catch(() => undefined)
      if (!file || file.fieldname !== 'file') return showForm(reply, 'Select a CSV file', 400)
      const bytes = await file.toBuffer().catch(() => null)
      if (bytes === null || file.file.truncated) return showForm(reply, `The file must be smaller than ${MAX_FILE_BYTES / 1024 / 1024} MB`, 413)
      // A browser sends an empty part with no filename when no file was chosen.
      if (bytes.length === 0) return showForm(reply, file.filename ? 'The selected file is empty' : 'Select a CSV file', 400)
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        return showForm(reply, 'The file must be saved as CSV UTF-8 (in Excel: Save as, CSV UTF-8)', 400)
      }
      const filename = file.filename ? file.filename.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120) : null
      const taken = await takeIncidentUpload(services, {
        forceCode: principal.forceCode!, ageBand: principal.ageBand!, uploadedBy: principal.name ?? `token ${principal.tokenId}`,
      }, { filename, text })
      if (taken.kind === 'refused') {
        const where = taken.problem.line > 0 ? `Line ${taken.problem.line}: ` : ''
        return showForm(reply, `${where}${taken.problem.message.charAt(0).toUpperCase()}${taken.problem.message.slice(1)}`, 422)
      }
      await auditRequest(services.db, request, 'incident.upload', 'upload', taken.id, 'officer uploaded a CSV of incidents', { bytes: bytes.length })
      return reply.redirect(`/incidents/upload/${taken.id}`, 303)
    })

    app.get('/incidents/upload/:id', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const p = caller(request)
      const { id } = request.params as { id: string }
      const upload = z.uuid().safeParse(id).success ? await getUpload(services.db, id, p.role === 'police' ? p.forceCode : null) : null
      if (!upload) throw notFound('upload')
      const finished = upload.status === 'done' || upload.status === 'failed'
      return reply.page('incident-upload-status.njk', {
        pageTitle: finished ? 'Incident upload finished' : 'Incident upload in progress',
        upload,
        finished,
        percent: Math.floor((100 * upload.rowsDone) / upload.totalRows),
      })
    })
  }
