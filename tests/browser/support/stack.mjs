// customer-api for the browser tests: the built binary on a free port,
// serving web/ against a database of its own (created and migrated here,
// dropped at the end), on the test stack's PostgreSQL (PG_URL_BASE, from
// the env file that setup/test-startup.sh writes).

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output)
      : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through setup/run-tests.sh, `
      + 'or source $VAR_DIR/env after setup/test-startup.sh');
  }
  return value;
}

function psql(url, sql) {
  return run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]);
}

// A port free right now (the relay's --metrics-address needs a number, and
// the API must know it before the relay starts).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Creates Kafka topics of unique names on the test stack (KAFKA_BROKERS).
export async function createTopics(adminBinary, topics) {
  const brokers = requiredEnv('KAFKA_BROKERS');
  await run(adminBinary, ['create-topics', '--brokers', brokers,
    ...topics.flatMap((topic) => ['--topic', topic])]);
  return brokers;
}

// Deletes them again (the scenario's own: nothing else reads them).
export async function deleteTopics(adminBinary, topics) {
  await run(adminBinary, ['delete-topics', '--brokers', requiredEnv('KAFKA_BROKERS'),
    ...topics.flatMap((topic) => ['--topic', topic])]);
}

// Gives outbox-relay its production grants on the scenario's own topics
// (the test process itself is pipeline-admin, from var/test/env).
export async function grantRelayTopics(adminBinary, crudTopic, notificationTopic) {
  await run(adminBinary, ['kafka-acls', '--brokers', requiredEnv('KAFKA_BROKERS'),
    '--crud-topic', crudTopic, '--notification-topic', notificationTopic]);
}

// The flags that make a process log in to Kafka as `user`.
function kafkaIdentity(user) {
  return ['--kafka-security-protocol', requiredEnv('KAFKA_SECURITY_PROTOCOL'),
    '--kafka-sasl-mechanism', requiredEnv('KAFKA_SASL_MECHANISM'), '--kafka-user', user,
    '--kafka-password-file', path.join(requiredEnv('KAFKA_SECRETS_DIR'), `kafka-${user}.password`)];
}

// Starts outbox-relay on `databaseUrl`, its /metrics on 127.0.0.1:metricsPort,
// logged in as outbox-relay.
export function startRelay({ relayBinary, databaseUrl, metricsPort }) {
  const brokers = requiredEnv('KAFKA_BROKERS');
  const child = spawn(relayBinary, ['--database-url', databaseUrl, '--brokers', brokers,
    '--metrics-address', `127.0.0.1:${metricsPort}`, '--log-level', 'warn',
    ...kafkaIdentity('outbox-relay')],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  return {
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      let timer;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 15000); })]);
      clearTimeout(timer);
    },
  };
}

// `database` on the test stack as a component's role: the stack's URL in
// `variable` (var/test/env, e.g. API_DATABASE_URL) with the database swapped;
// libpq takes the password from the PGPASSFILE exported there.
export function roleUrl(variable, database) {
  return requiredEnv(variable).replace(/\/[^/?]*(\?.*)?$/, `/${database}$1`);
}

// Starts customer-api; `tokens` ("name:token,…") turns bearer auth on
// (without them: --allow-unauthenticated, on 127.0.0.1 only);
// `extraArgs` are more flags (topics, --pipeline-metrics).
export async function startApi({ name, apiBinary, adminBinary, webRoot, tokens, extraArgs = [] }) {
  const base = requiredEnv('PG_URL_BASE');
  const database = `browser_${name}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const databaseUrl = `${base}/${database}`;
  await psql(`${base}/postgres`, `CREATE DATABASE ${database}`);
  await run(adminBinary, ['migrate', '--database-url', databaseUrl,
    '--dir', path.join(projectRoot, 'sql/customers')]);
  // The API logs in as customer_api; the fixture's own SQL (reset) stays superuser.
  const args = ['--database-url', roleUrl('API_DATABASE_URL', database), '--listen', '127.0.0.1:0',
    '--web-root', webRoot,
    '--access-log', 'off'];
  args.push(...(tokens ? ['--auth-tokens', tokens] : ['--allow-unauthenticated']));
  args.push(...extraArgs);
  const child = spawn(apiBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((resolve) => child.on('close', resolve));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`customer-api did not start: ${log}`)), 30000);
    const read = (chunk) => {
      log += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`customer-api exited ${code}: ${log}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    relayDatabaseUrl: roleUrl('RELAY_DATABASE_URL', database),
    log: () => log,
    // Every scenario starts from an empty database with ids from 1.
    reset: () => psql(databaseUrl,
      'TRUNCATE customers, outbox, idempotency_keys RESTART IDENTITY CASCADE'),
    async stop() {
      child.kill('SIGTERM');
      // At most 15 s for a clean stop; the timer must not keep Node alive after it.
      let timer;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 15000); })]);
      clearTimeout(timer);
      await psql(`${base}/postgres`, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}
