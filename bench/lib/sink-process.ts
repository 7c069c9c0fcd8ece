// The SMTP sink as its own process (forked with IPC), so that the load generator's event loop
// never delays an SMTP answer. Each acceptance is sent to the parent, and the 250 goes out only
// once that message has left: the parent knows of every message the sink acknowledged.
// Parent → child: { cmd: 'start', port? } | { cmd: 'stop' }. Child → parent: { ev: 'listening', port }
// | { ev: 'accepted', a } | { ev: 'stopped' }.
import { SmtpSink, type Accepted } from '../../test/helpers/smtp-sink.js'

const send = (msg: unknown) =>
  new Promise<void>((resolve, reject) => process.send!(msg, undefined, {}, (err) => (err ? reject(err) : resolve())))

const sink = new SmtpSink((a: Accepted) => send({ ev: 'accepted', a }))

process.on('message', (msg: { cmd: 'start' | 'stop'; port?: number }) => {
  if (msg.cmd === 'start') {
    sink.start(msg.port ?? sink.port).then(
      (port) => send({ ev: 'listening', port }),
      (err: Error) => send({ ev: 'error', message: err.message }),
    )
  } else if (msg.cmd === 'stop') {
    void sink.stop().then(() => send({ ev: 'stopped' }))
  }
})
process.on('disconnect', () => process.exit(0))
