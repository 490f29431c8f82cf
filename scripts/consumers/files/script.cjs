// A plain node script, CommonJS: require() the package and its test kit.
const assert = require('node:assert/strict');
const { Job, Jobs, Thing } = require('aws-iot-jobs');
const { createTestEnvironment } = require('aws-iot-jobs/testing');
const { getPendingTopic } = require('aws-iot-jobs/protocol');

async function main() {
  assert.equal(getPendingTopic('sensor-7'), '$aws/things/sensor-7/jobs/get');
  const env = await createTestEnvironment({ autoCreateThings: true });
  try {
    env.simulator.createJob({ jobId: 'reboot-1', targets: ['sensor-7'], document: '{"action":"reboot"}' });
    const jobs = new Jobs(new Thing('sensor-7', await env.connect({ clientId: 'sensor-7' })));
    const job = await jobs.startNext();
    assert.equal(await job.update(Job.SUCCEEDED), true);
    await jobs.close();
    assert.equal(env.simulator.describeJobExecution({ jobId: 'reboot-1', thingName: 'sensor-7' }).execution.status, 'SUCCEEDED');
  } finally {
    await env.close();
  }
  console.log('script: reboot-1 SUCCEEDED');
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
