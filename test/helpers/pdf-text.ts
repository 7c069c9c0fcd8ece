// A PDF read back as a person's PDF reader would: its pages' text, in order (pdfjs-dist, Mozilla's
// reader), so a test checks what the document says rather than how it was made.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

export async function pdfText(pdf: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: true, isEvalSupported: false }).promise
  const parts: string[] = []
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent()
    parts.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : '')).join(''))
  }
  const pages = doc.numPages
  await doc.destroy()
  // Lines wrap where the page is narrow: a sentence is searched as one run of words.
  return { pages, text: parts.join(' ').replace(/\s+/g, ' ') }
}
