// The pages' file uploads (http/multipart.ts): text fields as strings, files as { filename, text },
// an empty file input as no file, and a body that is not multipart refused as a 400.
import t from 'tap'
import { parseMultipart, uploadedFile } from '../../src/http/multipart.js'
import { HttpProblem } from '../../src/http/problem.js'

const body = (boundary: string, parts: string[]) => Buffer.from(`${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`)

t.test('fields and a file, as a browser sends them', async (t) => {
  const b = body('XyZ', [
    'Content-Disposition: form-data; name="appliesTo"\r\n\r\nla',
    'Content-Disposition: form-data; name="file"; filename="terms.ics"\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    'Content-Disposition: form-data; name="appliesTo"\r\n\r\nsetting',
    'Content-Disposition: form-data; name="note"\r\n\r\nCafé – “quoted”',
  ])
  const parsed = parseMultipart(b, 'multipart/form-data; boundary=XyZ')
  t.same(parsed, { appliesTo: 'la', file: { filename: 'terms.ics', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }, note: 'Café – “quoted”' }, 'the first of a repeated field counts; UTF-8 kept')
  t.same(uploadedFile(parsed, 'file'), { filename: 'terms.ics', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' })
  t.equal(uploadedFile(parsed, 'appliesTo'), null, 'a text field is not a file')
})

t.test('an empty file input is no file; a quoted boundary is read', async (t) => {
  const parsed = parseMultipart(body('a b', ['Content-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n']), 'multipart/form-data; boundary="a b"')
  t.equal(uploadedFile(parsed, 'file'), null)
})

t.test('what is not multipart is a 400', async (t) => {
  for (const [b, type] of [
    [Buffer.from('name=value'), 'multipart/form-data'],
    [Buffer.from('nothing here'), 'multipart/form-data; boundary=q'],
    [Buffer.from('--q\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end'), 'multipart/form-data; boundary=q'],
    [Buffer.from('--q\r\nContent-Type: text/plain\r\n\r\nx\r\n--q--\r\n'), 'multipart/form-data; boundary=q'],
  ] as const) {
    let status = 0
    try {
      parseMultipart(b, type)
    } catch (e) {
      status = e instanceof HttpProblem ? e.status : -1
    }
    t.equal(status, 400, JSON.stringify(b.toString()))
  }
})
