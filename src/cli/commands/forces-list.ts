import { listForces } from '../../store/forces-store.js'
import { listCommand } from '../command.js'

export const forcesListCommand = listCommand('forces list', 'list forces and their settings', listForces)
