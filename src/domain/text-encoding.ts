// Byte encodings of the files administrators bring: UTF-8 (our copies, most exports) and
// Windows-1252 (raw DfE GIAS downloads and many LA systems' exports). A byte-order mark settles the
// question whatever was asked for, since it cannot be mistaken; without one, invalid UTF-8 is an
// error rather than silently replaced characters in a school's or a child's name.

export const TEXT_ENCODINGS = ['utf-8', 'windows-1252'] as const
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number]

const ALIASES: Record<string, TextEncodingName> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
}

/** 'UTF8' / 'cp1252' / … -> the canonical name, or null when it is not one we read. */
export function encodingNamed(name: string): TextEncodingName | null {
  return ALIASES[name.trim().toLowerCase()] ?? null
}

/** The encoding a byte-order mark at the start of `bytes` declares, and the mark's length. */
export function sniffBom(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 }
  return null
}

export class TextEncodingError extends Error {
  override name = 'TextEncodingError'
  constructor(
    message: string,
    /** Line breaks before the first invalid byte within the chunk that held it. */
    readonly linesIntoChunk: number,
  ) {
    super(message)
  }
}

/**
 * A streaming decoder: feed Buffer chunks with write(), then end(). The first bytes are held back
 * until a byte-order mark can be recognised (or ruled out), so a chunk boundary inside the mark
 * does not matter.
 */
export class BomAwareDecoder {
  private decoder: TextDecoder | undefined
  private head: Uint8Array = new Uint8Array(0)
  /** The encoding in use once known (the BOM's, or the one asked for). */
  encoding: string | undefined

  constructor(
    private readonly asked: TextEncodingName,
    /**
     * Where the bytes are, for the error message ('gias.csv line 12'), given how many line breaks
     * precede the first invalid byte in the chunk being decoded.
     */
    private readonly describe: (linesIntoChunk: number) => string,
  ) {}

  write(chunk: Uint8Array): string {
    if (this.decoder) return this.decode(chunk, true)
    const joined = new Uint8Array(this.head.length + chunk.length)
    joined.set(this.head)
    joined.set(chunk, this.head.length)
    if (joined.length < 3) {
      this.head = joined
      return ''
    }
    return this.start(joined)
  }

  end(): string {
    if (!this.decoder) return this.start(this.head) + this.decode(undefined, false)
    return this.decode(undefined, false)
  }

  private start(bytes: Uint8Array): string {
    const bom = sniffBom(bytes)
    this.encoding = bom?.encoding ?? this.asked
    // Windows-1252 maps every byte to a character; UTF-8 and UTF-16 can be invalid, and must say so.
    this.decoder = new TextDecoder(this.encoding, { fatal: this.encoding !== 'windows-1252' })
    this.head = new Uint8Array(0)
    return this.decode(bom ? bytes.subarray(bom.length) : bytes, true)
  }

  private decode(chunk: Uint8Array | undefined, stream: boolean): string {
    try {
      return this.decoder!.decode(chunk, { stream })
    } catch {
      // Name the line: decode again leniently and count the line breaks before the first bad byte.
      const lenient = new TextDecoder(this.encoding, { fatal: false }).decode(chunk ?? new Uint8Array(0))
      const bad = lenient.indexOf('\uFFFD')
      const lines = (bad < 0 ? '' : lenient.slice(0, bad)).split('\n').length - 1
      throw new TextEncodingError(
        `${this.describe(lines)}: not valid ${this.encoding === 'utf-8' ? 'UTF-8' : this.encoding} (raw GIAS downloads and many exports are Windows-1252: import with --encoding windows-1252)`,
        lines,
      )
    }
  }
}

/** A whole file's bytes -> text, as BomAwareDecoder would decode them. */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName, source: string): string {
  const d = new BomAwareDecoder(encoding, (lines) => `${source} line ${lines + 1}`)
  return d.write(bytes) + d.end()
}
