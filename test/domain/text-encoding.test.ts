// Byte encodings of administrators' files (src/domain/text-encoding.ts): UTF-8 or Windows-1252 as
// asked, a byte-order mark settles it, and invalid UTF-8 is an error naming the line.
import t from 'tap'
import { BomAwareDecoder, TextEncodingError, decodeText, encodingNamed, sniffBom } from '../../src/domain/text-encoding.js'

const bytes = (...b: number[]) => Uint8Array.from(b)
const utf8 = (s: string) => new TextEncoder().encode(s)

t.test('encoding names and their aliases', async (t) => {
  t.equal(encodingNamed('UTF8'), 'utf-8')
  t.equal(encodingNamed(' utf-8 '), 'utf-8')
  t.equal(encodingNamed('CP1252'), 'windows-1252')
  t.equal(encodingNamed('windows-1252'), 'windows-1252')
  t.equal(encodingNamed('latin1'), null)
})

t.test('byte-order marks', async (t) => {
  t.same(sniffBom(bytes(0xef, 0xbb, 0xbf, 0x41)), { encoding: 'utf-8', length: 3 })
  t.same(sniffBom(bytes(0xff, 0xfe)), { encoding: 'utf-16le', length: 2 })
  t.same(sniffBom(bytes(0xfe, 0xff)), { encoding: 'utf-16be', length: 2 })
  t.equal(sniffBom(bytes(0x41, 0x42, 0x43)), null)
  t.equal(sniffBom(bytes()), null)
})

t.test('Windows-1252 bytes decode to their characters', async (t) => {
  // 0x80 is the euro sign, 0xe9 é, 0x92 a right single quote.
  t.equal(decodeText(bytes(0x80, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x92), 'windows-1252', 'f.csv'), '\u20ac Caf\u00e9\u2019')
})

t.test('a UTF-8 mark is dropped, and overrules the encoding asked for', async (t) => {
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Caf\u00e9')])
  t.equal(decodeText(withBom, 'utf-8', 'f.csv'), 'Caf\u00e9')
  t.equal(decodeText(withBom, 'windows-1252', 'f.csv'), 'Caf\u00e9', 'not "Ã©"')
  const utf16 = bytes(0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00)
  t.equal(decodeText(utf16, 'utf-8', 'f.csv'), 'A\u00e9')
})

t.test('invalid UTF-8 is an error naming the line, with the way out', async (t) => {
  const file = new Uint8Array([...utf8('a,b\nc,d\n'), 0x43, 0x61, 0x66, 0xe9, 0x0a])
  const err = t.throws(() => decodeText(file, 'utf-8', 'gias.csv')) as unknown
  t.ok(err instanceof TextEncodingError)
  t.match((err as Error).message, /^gias\.csv line 3: not valid UTF-8 .*--encoding windows-1252/)
  t.equal((err as TextEncodingError).linesIntoChunk, 2)
})

t.test('chunks may split the byte-order mark and multi-byte characters anywhere', async (t) => {
  const whole = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('\u00e9t\u00e9\n\u20ac')])
  for (let size = 1; size <= 4; size++) {
    const d = new BomAwareDecoder('utf-8', (n) => `line ${n + 1}`)
    let out = ''
    for (let i = 0; i < whole.length; i += size) out += d.write(whole.subarray(i, i + size))
    out += d.end()
    t.equal(out, '\u00e9t\u00e9\n\u20ac', `chunks of ${size}`)
    t.equal(d.encoding, 'utf-8')
  }
})

t.test('input shorter than a mark is decoded at the end', async (t) => {
  const d = new BomAwareDecoder('windows-1252', () => 'x')
  t.equal(d.write(bytes(0x41)), '')
  t.equal(d.end(), 'A')
  t.equal(d.encoding, 'windows-1252')
  const empty = new BomAwareDecoder('utf-8', () => 'x')
  t.equal(empty.end(), '')
})

t.test('a truncated UTF-8 character at the end is an error too', async (t) => {
  const d = new BomAwareDecoder('utf-8', (n) => `f.csv line ${n + 1}`)
  d.write(utf8('abc\n'))
  d.write(bytes(0xc3))
  t.throws(() => d.end(), /f\.csv line 1: not valid UTF-8/)
})
