// The files a CLI command is told to read: checked before any database is started, read whole,
// decoded, and a parser's complaint about them named after the file.
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { decodeText, type TextEncodingName } from '../domain/text-encoding.js'
import { cannotRead, EXIT, ExitError } from '../process-errors.js'
import { DataError } from './command.js'

export async function checkReadable(path: string): Promise<void> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(path)).isDirectory()
  } catch (err) {
    throw cannotRead(path, err)
  }
  if (isDirectory) throw new ExitError(`cannot read ${path}: is a directory`, EXIT.noInput)
}

/** The bytes of a file the user named, or one line saying why not. */
async function readInput(path: string): Promise<Buffer> {
  await checkReadable(path)
  try {
    return await readFile(path)
  } catch (err) {
    throw cannotRead(path, err)
  }
}

export async function readTextInput(path: string, encoding: TextEncodingName = 'utf-8'): Promise<string> {
  const bytes = await readInput(path)
  try {
    return decodeText(bytes, encoding, basename(path))
  } catch (err) {
    throw new DataError((err as Error).message)
  }
}

/** A parser's complaint about a file, prefixed with the file's name unless it already says it. */
export function inFile(path: string, err: unknown): DataError {
  const message = (err as Error).message
  const name = basename(path)
  return new DataError(message.startsWith(name) ? message : `${name}: ${message}`)
}
