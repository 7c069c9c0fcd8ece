// Which languages a setting is written to, in order (issue 14.6). A setting in a Welsh local
// authority (DfE LA codes 660–681) gets Welsh and English: Welsh first unless it has chosen English
// first. A setting elsewhere gets English only, unless it has chosen Welsh first (a Welsh-medium
// school in England, say): then Welsh and English, Welsh first. Choosing English first outside
// Wales is the default, English only. Pure.

export type Language = 'cy' | 'en'
export const LANGUAGES: readonly Language[] = ['cy', 'en']

/** True for a DfE LA code of a Welsh local authority (660–681). */
export function isWelshLa(laCode: string | null | undefined): boolean {
  if (!laCode || !/^[0-9]{3}$/.test(laCode)) return false
  const n = Number(laCode)
  return n >= 660 && n <= 681
}

/** The languages of a setting's e-mails and pages, in the order they are shown. */
export function languagesFor(laCode: string | null | undefined, firstLanguage?: Language | null): Language[] {
  if (isWelshLa(laCode)) return firstLanguage === 'en' ? ['en', 'cy'] : ['cy', 'en']
  return firstLanguage === 'cy' ? ['cy', 'en'] : ['en']
}

/** The Content-Language header of a message or page in these languages: "cy, en" or "en". */
export const contentLanguage = (languages: readonly Language[]) => languages.join(', ')

/**
 * The languages of a page or e-mail for someone not yet known (signing in): Welsh first, then
 * English, when they chose Cymraeg; English only otherwise.
 */
export const languagesChosen = (chosen: Language | null | undefined): Language[] => (chosen === 'cy' ? ['cy', 'en'] : ['en'])
