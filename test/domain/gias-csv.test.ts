import t from 'tap'
import { createReadStream, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  type DirectoryRecord,
  GiasCsvError,
  detectGiasFormat,
  laNameKey,
  loadLaCodes,
  normalisePostcode,
  parseCsv,
  parseCsvLine,
  readGiasCsv,
} from '../../src/domain/gias-csv.js'
import { bundledLaCodes } from '../../src/store/gias-files.js'

// The real DfE register extracts the repository ships (data/gias, provenance in data/README.md).
const shared = (name: string) => fileURLToPath(new URL(`../../data/gias/${name}`, import.meta.url))
const shipped = (name: string) => fileURLToPath(new URL(`../../data/${name}`, import.meta.url))

const ALL = shared('gias-establishments-all-20240617.csv')
const TRAINEE = shared('register-trainee-teachers-schools-gias-20250711.csv')
const JOINED = shared('gias-target-las-joined.csv')
const STATEFUNDED = shared('gias-statefunded-cleveland-urn-block.csv')
const EDUBASE = shared('gias-edubasealldata-full-columns-sample.csv')
const LA_TABLES = ['english', 'welsh', 'other'].map((w) => shared(`gias-la-name-codes-${w}.csv`))

async function readFile(path: string, opts?: Parameters<typeof readGiasCsv>[1]): Promise<DirectoryRecord[]> {
  const out: DirectoryRecord[] = []
  for await (const r of readGiasCsv(createReadStream(path), { laCodesByName: bundledLaCodes(), ...opts })) out.push(r)
  return out
}

async function readText(chunks: Array<string | Buffer>, opts?: Parameters<typeof readGiasCsv>[1]): Promise<DirectoryRecord[]> {
  async function* gen() {
    yield* chunks
  }
  const out: DirectoryRecord[] = []
  for await (const r of readGiasCsv(gen(), { laCodesByName: bundledLaCodes(), ...opts })) out.push(r)
  return out
}

// The big files are read once and shared by the tests that cross-check against them.
const cache = new Map<string, Promise<Map<string, DirectoryRecord>>>()
const byUrn = (path: string) => {
  let p = cache.get(path)
  if (p === undefined) cache.set(path, (p = readFile(path).then((rs) => new Map(rs.map((r) => [r.urn, r])))))
  return p
}

const headerOf = (path: string) => parseCsv(readFileSync(path, 'utf8').split('\n', 1)[0] ?? '')[0]?.fields ?? []
const count = <T>(xs: T[], f: (x: T) => boolean) => xs.reduce((n, x) => n + (f(x) ? 1 : 0), 0)

t.test('detects each real GIAS format from its header', async (t) => {
  t.equal(detectGiasFormat(headerOf(ALL)), 'establishments-all')
  t.equal(detectGiasFormat(headerOf(TRAINEE)), 'trainee-register')
  t.equal(detectGiasFormat(headerOf(JOINED)), 'target-las-joined')
  t.equal(detectGiasFormat(headerOf(STATEFUNDED)), 'statefunded')
  t.equal(detectGiasFormat(headerOf(EDUBASE)), 'edubasealldata')
  t.equal(headerOf(EDUBASE).length, 140)
  t.equal(headerOf(STATEFUNDED).length, 33)
  t.equal(detectGiasFormat(headerOf(shipped('demo-schools.csv'))), 'target-las-joined')
})

t.test('full establishments register: 51,012 rows, LA codes resolved by name, fast', async (t) => {
  const t0 = performance.now()
  const rows = await readFile(ALL)
  const ms = performance.now() - t0
  t.equal(rows.length, 51012)
  t.ok(ms < 2000, `parsed in ${ms.toFixed(0)} ms`)
  t.equal(new Set(rows.map((r) => r.urn)).size, 51012, 'URNs unique')

  // The only LA name missing from the GIAS LA tables is "Scotland Offshore Establishments" (9 independent schools).
  const noCode = rows.filter((r) => r.laCode === undefined)
  t.equal(noCode.length, 9)
  t.same([...new Set(noCode.map((r) => r.laName))], ['Scotland Offshore Establishments'])
  t.ok(rows.every((r) => r.laName !== undefined))

  t.same(rows[0], { urn: '100000', name: 'The Aldgate School', laName: 'City of London', laCode: '201', phase: 'Primary', status: 'Open', open: true })
  const stockton = rows.filter((r) => r.laCode === '808')
  t.equal(stockton.length, 192)
  t.ok(stockton.every((r) => r.laName === 'Stockton-on-Tees'))
  t.equal(rows.find((r) => r.laName === 'St. Helens')?.laCode, '342', 'punctuation in LA names')
  t.equal(rows.find((r) => r.laName === 'Does not apply')?.laCode, '0')

  t.equal(count(rows, (r) => r.status === 'Open'), 26997)
  t.equal(count(rows, (r) => r.status === 'Closed'), 23812)
  t.equal(count(rows, (r) => r.status === 'Open, but proposed to close'), 111)
  t.equal(count(rows, (r) => r.status === 'Proposed to open'), 92)
  t.equal(count(rows, (r) => r.open === true), 26997 + 111 + 92)

  // This format has no postcode, town, type or age columns: those fields are absent, not blank.
  t.ok(rows.every((r) => !('postcode' in r) && !('town' in r) && !('type' in r) && !('statutoryLowAge' in r)))
})

t.test('an explicit LA table overrides the bundled one', async (t) => {
  const text = 'urn,name,local_authority_name,status\n100001,A,STOCKTON ON TEES,Open\n100002,B,Sheffield,Open\n'
  const rows = await readText([text], { laCodesByName: new Map([[laNameKey('Stockton-on-Tees'), '808']]) })
  t.same(rows.map((r) => r.laCode), ['808', undefined])
  t.same((await readText([text])).map((r) => r.laCode), ['808', '373'], 'the bundled data/la-codes.csv')
  await t.rejects(
    readText([text], { laCodesByName: undefined }),
    { name: 'GiasCsvError', message: /names local authorities without their codes/ },
    'the pure reader is given the table; it does not read one itself',
  )
})

t.test('any chunking of a real file gives the same records', async (t) => {
  const bytes = readFileSync(JOINED)
  const whole = await readText([bytes])
  let seed = 42
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  for (let run = 0; run < 3; run++) {
    const chunks: Buffer[] = []
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(rand() * 300)
      chunks.push(bytes.subarray(i, i + n))
      i += n
    }
    t.same(await readText(chunks), whole, `run ${run}: ${chunks.length} chunks`)
  }
  const crlf = Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n'))
  t.same(await readText([crlf.subarray(0, 5000), crlf.subarray(5000)]), whole, 'CRLF copy')
})

t.test('trainee teachers register: town and postcode only', async (t) => {
  const rows = await readFile(TRAINEE)
  t.equal(rows.length, 22010)
  t.same(rows[0], { urn: '100000', name: 'The Aldgate School', postcode: 'EC3A 5DE', town: 'London' })
  t.equal(count(rows, (r) => r.postcode === undefined), 2)
  t.ok(rows.every((r) => r.postcode === undefined || /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/.test(r.postcode)))
  // No LA or status columns: an import must not learn "unknown" from this file.
  t.ok(rows.every((r) => r.laCode === undefined && r.laName === undefined && r.status === undefined && r.open === undefined))
})

t.test('target-LAs convenience join', async (t) => {
  const rows = await readFile(JOINED)
  t.equal(rows.length, 1673)
  t.equal(count(rows, (r) => r.open === true), 753)
  t.equal(count(rows, (r) => r.open === true && r.postcode !== undefined), 664)
  t.equal(count(rows, (r) => r.open === false && r.postcode !== undefined), 0)
  const perLa = new Map<string, number>()
  for (const r of rows) perLa.set(r.laCode ?? '?', (perLa.get(r.laCode ?? '?') ?? 0) + 1)
  t.same(Object.fromEntries([...perLa].sort()), { 391: 256, 805: 91, 806: 166, 807: 164, 808: 192, 852: 179, 892: 296, 929: 329 })
  t.same(rows[0], {
    urn: '108427', name: 'Ashfield Nursery School', laName: 'Newcastle upon Tyne', laCode: '391', phase: 'Nursery',
    status: 'Open', open: true, postcode: 'NE4 6JR', town: 'Newcastle-upon-Tyne',
  })
})

t.test('33-column state-funded extract', async (t) => {
  const rows = await readFile(STATEFUNDED)
  t.equal(rows.length, 24)
  t.same(rows[0], {
    urn: '111524', name: 'Billingham South Community Primary School', laName: 'Stockton-on-Tees', laCode: '808',
    phase: 'Primary', type: 'Community school', status: 'Open', open: true, postcode: 'TS23 1BE', town: 'Billingham',
    statutoryLowAge: 3, statutoryHighAge: 11,
  })
  t.ok(rows.every((r) => r.type !== undefined && r.statutoryLowAge !== undefined && r.statutoryHighAge !== undefined))
  t.same(
    ['805', '806', '807', '808'].map((c) => count(rows, (r) => r.laCode === c)),
    [5, 6, 5, 8],
  )
  // The same schools in the other two sources agree on name, LA and postcode.
  const all = await byUrn(ALL)
  const trainee = await byUrn(TRAINEE)
  for (const r of rows) {
    t.equal(all.get(r.urn)?.laCode, r.laCode, `${r.urn} LA code`)
    t.equal(trainee.get(r.urn)?.postcode, r.postcode, `${r.urn} postcode`)
  }
})

t.test('140-column edubasealldata sample', async (t) => {
  const rows = await readFile(EDUBASE)
  t.equal(rows.length, 8)
  const edu = new Map(rows.map((r) => [r.urn, r]))
  t.same(edu.get('100004'), {
    urn: '100004', name: 'Sherborne Nursery School', laName: 'Camden', laCode: '202', phase: 'Nursery',
    type: 'Local authority nursery school', status: 'Closed', open: false, postcode: 'NW5 4LP', town: 'London',
    statutoryLowAge: 3, statutoryHighAge: 5,
  })
  const overseas = edu.get('150516')
  t.equal(overseas?.laCode, '0')
  t.equal(overseas?.laName, 'Does not apply')
  t.equal(overseas?.postcode, undefined)
  t.equal(overseas?.town, 'Dubai')
  t.equal(edu.get('101173')?.town, undefined, 'blank town stays undefined')
  const proposed = edu.get('126370')
  t.equal(proposed?.status, 'Open, but proposed to close')
  t.equal(proposed?.open, true)
})

t.test('shipped data/demo-schools.csv', async (t) => {
  const text = readFileSync(shipped('demo-schools.csv'), 'utf8')
  t.equal(text.split('\n', 1)[0], readFileSync(JOINED, 'utf8').split('\n', 1)[0], 'same header as the target-LAs join')
  t.notMatch(text, /\b0\d{9,10}\b/, 'no phone numbers')
  const rows = await readFile(shipped('demo-schools.csv'))
  t.ok(rows.length <= 80, `${rows.length} rows`)
  const stocktonOpen = rows.filter((r) => r.laCode === '808' && r.open === true)
  t.equal(stocktonOpen.length, 74)
  t.ok(stocktonOpen.every((r) => r.postcode?.startsWith('TS')))
  t.ok(rows.some((r) => r.laCode === '808' && r.open === false), 'has closed Stockton rows for negative tests')
  const sheffield = rows.filter((r) => r.laCode === '373')
  t.equal(sheffield.length, 5)
  t.ok(sheffield.every((r) => r.open === true && r.laName === 'Sheffield' && r.postcode?.startsWith('S')))
  t.equal(new Set(sheffield.map((r) => r.phase)).size, 5, 'one Sheffield school per phase')

  // Every row agrees with the public sources it was taken from.
  const all = await byUrn(ALL)
  const trainee = await byUrn(TRAINEE)
  for (const r of rows) {
    const src = all.get(r.urn)
    t.same([r.name, r.laName, r.laCode, r.status], [src?.name, src?.laName, src?.laCode, src?.status], `${r.urn} matches the register`)
    if (r.open) t.equal(r.postcode, trainee.get(r.urn)?.postcode, `${r.urn} postcode from the trainee register`)
  }
})

t.test('LA code tables', async (t) => {
  const gias = loadLaCodes(LA_TABLES.map((p) => readFileSync(p, 'utf8')))
  const ours = loadLaCodes([readFileSync(shipped('la-codes.csv'), 'utf8')])
  t.equal(gias.size, 184 + 22 + 8)
  t.same([...ours].sort(), [...gias].sort(), 'data/la-codes.csv is the three GIAS tables merged')
  t.same([...bundledLaCodes()].sort(), [...ours].sort())
  t.equal(ours.get(laNameKey('SHEFFIELD')), '373')
  t.equal(ours.get(laNameKey('Bristol, City of')), '801')
  t.equal(ours.get(laNameKey('St Helens')), '342')
  t.equal(ours.get(laNameKey('Isles of Scilly')), '420')
  t.equal(ours.get(laNameKey('Wrexham')), '665')
  t.equal(ours.get(laNameKey('Jersey Offshore Establishments')), '707')
  t.equal(ours.get(laNameKey('Pre LGR (1998) Hereford and Worcester')), '918', "'&' matches 'and'")
  t.throws(() => loadLaCodes(['name,code\nX,1']), /LA name column and a GIAS LA code column/)
  t.throws(() => loadLaCodes(['la_name,la_code\nX,1\nx,2']), /has code 2 here but 1 earlier/)
  t.throws(() => loadLaCodes(['la_name,la_code\nX,abc']), /line 2: bad row/)
})

t.test('CSV parsing: quotes, commas, newlines, CRLF, BOM', async (t) => {
  t.same(parseCsvLine('a,"b,c","say ""hi""",,"multi\nline"'), ['a', 'b,c', 'say "hi"', '', 'multi\nline'])
  t.same(parseCsvLine(''), [''])
  t.same(parseCsvLine('""'), [''])
  t.same(parseCsvLine('a,'), ['a', ''])
  t.same(parseCsv('a,b\r\n1,2\r\n\r\n3,4').map((r) => [r.fields, r.line]), [[['a', 'b'], 1], [['1', '2'], 2], [['3', '4'], 4]])
  t.same(parseCsv('\uFEFFa\rb\n').map((r) => r.fields), [['a'], ['b']], 'BOM stripped, bare CR ends a record')

  const csv =
    '\uFEFFURN,EstablishmentName,LA (code),LA (name),EstablishmentStatus (name),Postcode,Town\r\n' +
    '100101,"Smith, Jones & ""Co"" School",808,Stockton-on-Tees,Open,ts18 1ab,"Stockton-\r\non-Tees"\r\n' +
    ',Blank URN school,808,Stockton-on-Tees,Open,,\r\n' +
    '100102,Plain,808,Stockton-on-Tees,Closed,TS181AB,\r\n'
  const expected = [
    { urn: '100101', name: 'Smith, Jones & "Co" School', laCode: '808', laName: 'Stockton-on-Tees', status: 'Open', open: true, postcode: 'TS18 1AB', town: 'Stockton-\r\non-Tees' },
    { urn: '100102', name: 'Plain', laCode: '808', laName: 'Stockton-on-Tees', status: 'Closed', open: false, postcode: 'TS18 1AB' },
  ]
  t.same(await readText([csv]), expected, 'whole text; empty URN skipped')
  t.same(await readText([...csv]), expected, 'one character per chunk')
  const bytes = Buffer.from(csv.replace('Plain', 'Plaîn'))
  const oneByte = [...bytes].map((b) => Buffer.from([b]))
  const got = await readText(oneByte)
  t.equal(got[1]?.name, 'Plaîn', 'UTF-8 sequences and CRLF split across Buffer chunks')
  t.equal(got.length, 2)
  t.same(await readText([Buffer.from(csv.replace(/\r\n/g, '\n'))]).then((r) => r.map((x) => x.town)), ['Stockton-\non-Tees', undefined], 'LF')
})

t.test('encodings', async (t) => {
  const text = 'urn,name,town,postcode\n100001,Ysgol Gymraeg Caerffili é,Caerphilly,CF83 1AA\n'
  const cp1252 = Buffer.from(text, 'latin1')
  t.equal((await readText([cp1252], { encoding: 'windows-1252' }))[0]?.name, 'Ysgol Gymraeg Caerffili é')
  await t.rejects(readText([cp1252]), /not valid UTF-8 .*--encoding windows-1252/)
  // A byte-order mark settles it, split across chunks or not, whatever encoding was asked for.
  const utf8Bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
  for (const encoding of ['utf-8', 'windows-1252'] as const) {
    t.equal((await readText([utf8Bom], { encoding }))[0]?.name, 'Ysgol Gymraeg Caerffili é', `UTF-8 BOM, asked ${encoding}`)
    t.equal((await readText([...utf8Bom].map((b) => Buffer.from([b])), { encoding }))[0]?.name, 'Ysgol Gymraeg Caerffili é', `UTF-8 BOM a byte at a time, asked ${encoding}`)
  }
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
  t.equal((await readText([utf16]))[0]?.name, 'Ysgol Gymraeg Caerffili é', 'UTF-16 with its BOM (Excel "Unicode" export)')
  await t.rejects(readText([Buffer.from('ur')]), /missing column "URN"/, 'a file shorter than a byte-order mark is still read')
})

t.test('a raw GIAS download in Windows-1252, as DfE publishes it', async (t) => {
  // Real establishments whose names carry characters outside ASCII (é, ç, à, °, and the typographic
  // apostrophe GIAS stores as byte 0x92), encoded as the GIAS download is; CRLF line ends.
  const file = fileURLToPath(new URL('../fixtures/gias-download-windows-1252.csv', import.meta.url))
  const bytes = readFileSync(file)
  t.ok(bytes.includes(0xe9) && bytes.includes(0x92), 'the fixture really is Windows-1252 bytes')
  const rows = await readFile(file, { encoding: 'windows-1252' })
  const byUrn = new Map(rows.map((r) => [r.urn, r]))
  t.equal(byUrn.get('100371')?.name, 'Ecole Française de Londres Jacques Prévert')
  t.equal(byUrn.get('149557')?.name, 'St Thomas à Becket Church of England Aided Primary School')
  t.equal(byUrn.get('148296')?.name, 'North Star 82°')
  t.equal(byUrn.get('147296')?.name, 'Beis Rochel d’Satmar School')
  await t.rejects(readFile(file), { name: 'GiasCsvError', message: /not valid UTF-8.*--encoding windows-1252/ }, 'read as UTF-8 it is refused, not garbled')
})

t.test('establishment status is read whatever its case, and an unknown one is refused with its line', async (t) => {
  const head = 'URN,LA (code),LA (name),EstablishmentName,EstablishmentStatus (name)\n'
  const rows = await readText([
    head +
      '100001,808,Stockton-on-Tees,A,OPEN\n' +
      '100002,808,Stockton-on-Tees,B,closed\n' +
      '100003,808,Stockton-on-Tees,C,"open, but proposed to close"\n' +
      '100004,808,Stockton-on-Tees,D," Proposed To Open "\n' +
      '100005,808,Stockton-on-Tees,E,CLOSED\n',
  ])
  t.same(rows.map((r) => [r.status, r.open]), [
    ['Open', true], ['Closed', false], ['Open, but proposed to close', true], ['Proposed to open', true], ['Closed', false],
  ])
  await t.rejects(readText([head + '100001,808,S,A,Open\n100002,808,S,B,Shut\n'], { source: 'x.csv' }), {
    name: 'GiasCsvError', line: 3, message: /^x\.csv line 3: status "Shut" is not a GIAS establishment status/,
  })
})

t.test('errors', async (t) => {
  t.throws(() => detectGiasFormat(['name', 'postcode']), { name: 'GiasCsvError', message: /missing column "URN".*"name", "postcode"/ })
  await t.rejects(readText(['School,Postcode\nA,TS1 1AA\n']), /missing column "URN"/)
  await t.rejects(readText(['URN,EstablishmentName,LA (name)\n1,A,B\n']), /missing column\(s\) "LA \(code\)", "EstablishmentStatus \(name\)"/)
  await t.rejects(readText(['urn,name,local_authority_name\n1,A,B\n']), /establishments-all CSV is missing column\(s\) "status"/)
  await t.rejects(readText(['urn,name\n1,A\n']), /header not recognised/)
  await t.rejects(readText(['']), /empty file/)

  const head = 'urn,name,town,postcode\n'
  const rej = async (body: string, re: RegExp, line: number) => {
    const err = await readText([head + body], { source: 'x.csv' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    t.type(err, GiasCsvError)
    t.match((err as Error).message, re)
    t.equal((err as GiasCsvError).line, line)
  }
  await rej('100001,A,"two\nlines",TS1 1AA\n100002,B,T\n', /^x\.csv line 4: expected 4 fields as in the header, found 3$/, 4)
  await rej('100001,A,T,P,extra\n', /line 2: expected 4 fields/, 2)
  await rej('100001,"A,T,P\n100002,B,T,P\n', /line 2: quoted field not closed/, 2)
  await rej('100001,"A"x,T,P\n', /line 2: unexpected character after closing quote/, 2)
  await rej('100001,A "B",T,P\n', /line 2: '"' inside an unquoted field/, 2)
  await rej('\n\nABC,A,T,P\n', /line 4: URN "ABC" is not a DfE URN \(5 to 8 digits\)/, 4)
  await rej('100001,A,T,P\n1234,B,T,P\n', /^x\.csv line 3: URN "1234" is not a DfE URN/, 3)
  await rej('100001,A,T,P\n123456789,B,T,P\n', /line 3: URN "123456789"/, 3)
  await t.rejects(
    readText(['URN,LA (code),LA (name),EstablishmentName,EstablishmentStatus (name),StatutoryLowAge\n100001,808,S,A,Open,four\n']),
    /line 2: StatutoryLowAge is not a whole number/,
  )
})

t.test('postcode normalisation', async (t) => {
  t.equal(normalisePostcode(' ts18  1ab '), 'TS18 1AB')
  t.equal(normalisePostcode('TS181AB'), 'TS18 1AB')
  t.equal(normalisePostcode('ec3a5de'), 'EC3A 5DE')
  t.equal(normalisePostcode('s5 6ag'), 'S5 6AG')
  t.equal(normalisePostcode('   '), undefined)
  t.equal(normalisePostcode('gx11 1aa'), 'GX11 1AA', 'Gibraltar')
  t.equal(normalisePostcode('dubai 123'), 'DUBAI 123', 'non-UK kept as given, upper case')
})
