// The pupil roll API keeps an LA's roll when an upload would empty it or cut it by more than half,
// unless the administrator says replaceAll=true: a failed export must not leave children unplaced.
import t from 'tap'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const admin = await h.token('admin')
const post = (payload: unknown, query = '') =>
  h.app.inject({ method: 'POST', url: `/v1/pupil-rolls/808${query}`, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
const pupil = (n: number) => ({ givenName: `Pupil${String.fromCharCode(65 + n)}`, familyName: 'Example', dateOfBirth: `2016-05-${String(n + 1).padStart(2, '0')}`, urn: '111234' })
const roll = async () => (await h.services.db.query(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '808'`)).rows[0].n as number

t.test('an empty or much shorter roll is a 409 and the roll stands; replaceAll=true replaces it', async (t) => {
  t.equal((await post([0, 1, 2, 3].map(pupil))).statusCode, 200)
  t.equal(await roll(), 4)
  const empty = await post([])
  t.equal(empty.statusCode, 409)
  t.match(empty.json(), { type: '/problems/roll-shrink', currentPupils: 4, offeredPupils: 0, detail: /replaceAll=true/ })
  const short = await post([pupil(0)])
  t.equal(short.statusCode, 409)
  t.match(short.json(), { currentPupils: 4, offeredPupils: 1 })
  t.equal(await roll(), 4, 'nothing changed')
  t.equal((await post([0, 1].map(pupil))).statusCode, 200, 'half the roll is a change, not a failure')
  t.equal(await roll(), 2)
  t.equal((await post([], '?replaceAll=maybe')).statusCode, 400, 'replaceAll is true or false')
  const emptied = await post([], '?replaceAll=true')
  t.equal(emptied.statusCode, 200)
  t.equal(await roll(), 0, 'emptied, as asked')
})
