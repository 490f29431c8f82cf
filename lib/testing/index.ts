/**
 * `aws-iot-jobs/testing`: an in-memory broker (and, in later modules, the Jobs
 * service simulator) for tests with no AWS account. Needs the optional peer
 * dependency `aedes`.
 * @packageDocumentation
 */

export { createInMemoryBroker, createTcpBroker } from './broker.js';
export type { TestBroker, TcpTestBroker, TcpBrokerOptions, TestClientOptions } from './broker.js';
